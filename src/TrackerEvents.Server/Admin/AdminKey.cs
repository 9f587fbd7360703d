using System.Security.Cryptography;
using System.Text;

namespace TrackerEvents.Admin;

/// <summary>The admin and ingest API key in force, resolved at start-up (configured, or generated for the embedded demo).</summary>
internal sealed class AdminKey
{
    private byte[] _key = [];

    public string Value { get; private set; } = "";

    /// <summary>True when the key came from the store rather than configuration (so it is worth printing).</summary>
    public bool Generated { get; private set; }

    public void Set(string value, bool generated)
    {
        Value = value;
        Generated = generated;
        _key = Encoding.UTF8.GetBytes(value);
    }

    public bool Matches(string? presented) =>
        _key.Length > 0 && presented is not null && CryptographicOperations.FixedTimeEquals(_key, Encoding.UTF8.GetBytes(presented));
}

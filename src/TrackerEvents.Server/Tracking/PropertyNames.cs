using System.Text;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// The field names a reader knows, matched against a name's UTF-8 bytes (a JSON property's, a decoded form
/// key's): a known name comes back as the constant string, so reading a stored state, an update or a device's
/// request allocates no string per field name (<see cref="JsonProperty.Name"/> makes a new one every time).
/// Immutable; shared.
/// </summary>
internal sealed class PropertyNames(params string[] names)
{
    private readonly (byte[] Utf8, string Name)[] _names = [.. names.Select(n => (Encoding.UTF8.GetBytes(n), n))];

    /// <summary>The property's name: one of the known constants, or (unknown) a new string.</summary>
    public string Of(JsonProperty property)
    {
        foreach (var (utf8, name) in _names)
        {
            if (property.NameEquals(utf8))
            {
                return name;
            }
        }

        return property.Name;
    }

    /// <summary>The known name whose UTF-8 bytes are exactly <paramref name="utf8"/> (already decoded), or null.</summary>
    public string? Find(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, name) in _names)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return name;
            }
        }

        return null;
    }
}

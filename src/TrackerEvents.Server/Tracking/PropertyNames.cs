using System.Text;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// The field names a patch knows, matched against a JSON property's UTF-8 name: a known name comes back as
/// the constant string, so reading a stored state or an update allocates no string per field name
/// (<see cref="JsonProperty.Name"/> makes a new one every time). Immutable; shared.
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
}

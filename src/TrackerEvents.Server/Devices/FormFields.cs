using System.Buffers;
using System.Text;
using System.Text.Unicode;
using TrackerEvents.Tracking;

namespace TrackerEvents.Devices;

/// <summary>
/// Reads <c>key=value&amp;...</c> as a query string or an <c>application/x-www-form-urlencoded</c> body
/// sends it: <c>+</c> is a space, <c>%XX</c> a byte, and the bytes must be UTF-8. Unlike ASP.NET Core's
/// own reader, which turns what it cannot decode into replacement characters, anything malformed is a
/// <see cref="DeviceRequestException"/>.
/// </summary>
internal static class FormFields
{
    public const int MaxFields = 100;

    // The keys the apps send, given back as these strings instead of a new one per request.
    private static readonly PropertyNames KnownKeys = new("id", "deviceid", "valid", "timestamp", "lat", "lon", "location", "speed",
        "bearing", "heading", "altitude", "accuracy", "hdop", "batt", "charge", "ignition", "driverUniqueId");

    /// <summary>Receives the fields of a form in the order sent; a value is only valid during the call.</summary>
    public interface IVisitor
    {
        void Field(string key, ReadOnlySpan<byte> value);
    }

    /// <summary>A form body (or a query string's bytes). Returns the number of fields.</summary>
    /// <remarks>
    /// The values reach the visitor as decoded UTF-8 bytes: a point's numbers are parsed from them, and only
    /// the values kept as text become strings (a device request had a dozen strings made and dropped).
    /// </remarks>
    public static int Read<T>(ReadOnlySpan<byte> form, ref T visitor) where T : IVisitor
    {
        var buffer = ArrayPool<byte>.Shared.Rent(form.Length);
        try
        {
            return Split(form, buffer, ref visitor);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A value as text.</summary>
    public static string Text(ReadOnlySpan<byte> value) => Encoding.UTF8.GetString(value); // valid: checked in Split

    private static int Split<T>(ReadOnlySpan<byte> form, byte[] buffer, ref T visitor) where T : IVisitor
    {
        var count = 0;
        while (!form.IsEmpty)
        {
            var end = form.IndexOf((byte)'&');
            var pair = end < 0 ? form : form[..end];
            form = end < 0 ? default : form[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (count == MaxFields)
            {
                throw new DeviceRequestException($"more than {MaxFields} parameters");
            }

            var equals = pair.IndexOf((byte)'=');
            var key = Utf8Checked(buffer.AsSpan(0, Decode(equals < 0 ? pair : pair[..equals], buffer)));
            var name = KnownKeys.Find(key) ?? Text(key);
            visitor.Field(name, Utf8Checked(buffer.AsSpan(0, equals < 0 ? 0 : Decode(pair[(equals + 1)..], buffer))));
            count++;
        }

        return count;
    }

    private static ReadOnlySpan<byte> Utf8Checked(ReadOnlySpan<byte> decoded) =>
        Utf8.IsValid(decoded) ? decoded : throw new DeviceRequestException("parameters must be UTF-8");

    /// <summary>Percent- and plus-decodes into <paramref name="buffer"/>; returns the length.</summary>
    private static int Decode(ReadOnlySpan<byte> encoded, byte[] buffer)
    {
        var length = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == '+')
            {
                b = (byte)' ';
            }
            else if (b == '%')
            {
                if (i + 2 >= encoded.Length || HexValue(encoded[i + 1]) is not { } high || HexValue(encoded[i + 2]) is not { } low)
                {
                    throw new DeviceRequestException("malformed percent-encoding");
                }

                b = (byte)(high * 16 + low);
                i += 2;
            }

            buffer[length++] = b;
        }

        return length;
    }

    private static int? HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => null,
    };
}

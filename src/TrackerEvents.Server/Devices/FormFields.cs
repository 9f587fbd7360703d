using System.Buffers;
using System.Text;
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

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The keys the apps send, given back as these strings instead of a new one per request.
    private static readonly PropertyNames KnownKeys = new("id", "deviceid", "valid", "timestamp", "lat", "lon", "location", "speed",
        "bearing", "heading", "altitude", "accuracy", "hdop", "batt", "charge", "ignition", "driverUniqueId");

    /// <summary>A query string, with or without its leading <c>?</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var text = query.StartsWith('?') ? query.AsSpan(1) : query.AsSpan();
        var bytes = ArrayPool<byte>.Shared.Rent(text.Length);
        try
        {
            for (var i = 0; i < text.Length; i++)
            {
                bytes[i] = text[i] <= 0x7F ? (byte)text[i] : throw new DeviceRequestException("the query string must be ASCII (percent-encoded UTF-8)");
            }

            return Parse(bytes.AsSpan(0, text.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public static IReadOnlyList<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> form)
    {
        var fields = new List<KeyValuePair<string, string>>(16); // an OsmAnd request has 8-12
        var buffer = ArrayPool<byte>.Shared.Rent(form.Length);
        try
        {
            Split(form, buffer, fields);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return fields;
    }

    private static void Split(ReadOnlySpan<byte> form, byte[] buffer, List<KeyValuePair<string, string>> fields)
    {
        while (!form.IsEmpty)
        {
            var end = form.IndexOf((byte)'&');
            var pair = end < 0 ? form : form[..end];
            form = end < 0 ? default : form[(end + 1)..];
            if (pair.IsEmpty)
            {
                continue;
            }

            if (fields.Count == MaxFields)
            {
                throw new DeviceRequestException($"more than {MaxFields} parameters");
            }

            var equals = pair.IndexOf((byte)'=');
            var key = Decode(equals < 0 ? pair : pair[..equals], buffer, KnownKeys);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..], buffer, known: null);
            fields.Add(new(key, value));
        }
    }

    private static string Decode(ReadOnlySpan<byte> encoded, byte[] buffer, PropertyNames? known)
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

        if (known?.Find(buffer.AsSpan(0, length)) is { } key)
        {
            return key;
        }

        try
        {
            return StrictUtf8.GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw new DeviceRequestException("parameters must be UTF-8");
        }
    }

    private static int? HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => null,
    };
}

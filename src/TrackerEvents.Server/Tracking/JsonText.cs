using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace TrackerEvents.Tracking;

/// <summary>
/// Finds text in a JSON document that is not valid Unicode. A JSON reader accepts a lone surrogate escape
/// (<c>"\ud800"</c>) as syntactically valid, and only reading that string throws; so every message or body is
/// checked once, up front, and such text is reported as a bad parameter naming where it is, never met later
/// as an unexpected exception.
/// </summary>
internal static class JsonText
{
    /// <summary>
    /// The path (<c>requests[0].type</c>) of the first string or property name that is not valid Unicode, or
    /// null when all are. <paramref name="text"/> is the document's text (UTF-8 bytes or chars), scanned first
    /// without allocating; the document is walked only when the scan finds a suspect escape.
    /// </summary>
    public static string? FindInvalid<T>(ReadOnlySpan<T> text, JsonElement root) where T : unmanaged, IBinaryInteger<T> =>
        HasLoneSurrogateEscape(text) ? Walk(root, "") ?? "" : null;

    /// <summary>Whether the text holds a <c>\uD800</c>–<c>\uDFFF</c> escape that is not half of a proper pair.</summary>
    public static bool HasLoneSurrogateEscape<T>(ReadOnlySpan<T> text) where T : unmanaged, IBinaryInteger<T>
    {
        var backslash = T.CreateTruncating('\\');
        var at = text.IndexOf(backslash);
        while (at >= 0 && at + 1 < text.Length)
        {
            if (text[at + 1] != T.CreateTruncating('u'))
            {
                at += 2; // \\, \", \n ...: the escaped character cannot start another escape
            }
            else if (Escape(text, at) is not { } unit || char.IsLowSurrogate(unit))
            {
                return true;
            }
            else if (char.IsHighSurrogate(unit))
            {
                if (Escape(text, at + 6) is not { } low || !char.IsLowSurrogate(low))
                {
                    return true;
                }

                at += 12;
            }
            else
            {
                at += 6;
            }

            var next = at < text.Length ? text[at..].IndexOf(backslash) : -1;
            at = next < 0 ? -1 : at + next;
        }

        return false;
    }

    /// <summary>The UTF-16 unit of a <c>\uXXXX</c> escape at <paramref name="at"/>, if there is one.</summary>
    private static char? Escape<T>(ReadOnlySpan<T> text, int at) where T : unmanaged, IBinaryInteger<T>
    {
        if (at + 6 > text.Length || text[at] != T.CreateTruncating('\\') || text[at + 1] != T.CreateTruncating('u'))
        {
            return null;
        }

        var unit = 0;
        for (var i = at + 2; i < at + 6; i++)
        {
            var digit = HexDigit(int.CreateTruncating(text[i]));
            if (digit < 0)
            {
                return null;
            }

            unit = unit * 16 + digit;
        }

        return (char)unit;
    }

    private static int HexDigit(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string? Walk(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(element) ? null : path;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return path;
                    }

                    if (Walk(property.Value, JsonFieldReader.Join(path, name)) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Walk(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]")) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Readable(JsonElement text)
    {
        try
        {
            text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}

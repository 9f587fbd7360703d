using System.Net;
using System.Text;
using System.Text.Json;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>The HTTP side of the Atmosphere protocol as atmosphere.js puts it on the wire: query strings, push, and reading what comes back.</summary>
internal static class AtmosphereHttp
{
    public const string Path = "/v2/event/subscription";

    /// <summary>The query atmosphere.js builds for a long-polling or streaming GET (every poll carries X-atmo-protocol=true).</summary>
    public static string Query(string transport, string? trackingId, bool trackMessageSize, bool protocol = true, string? extra = null) =>
        $"{Path}?X-Atmosphere-tracking-id={trackingId ?? "0"}&X-Atmosphere-Framework=3.1.3-javascript&X-Atmosphere-Transport={transport}"
        + (trackMessageSize ? "&X-Atmosphere-TrackMessageSize=true" : "") + "&Content-Type=application%2Fjson"
        + (protocol ? "&X-atmo-protocol=true" : "") + (extra is null ? "" : "&" + extra) + "&_=" + Environment.TickCount64;

    /// <summary>A push: POST with X-Atmosphere-Transport=polling and the message as the body.</summary>
    public static async Task<HttpResponseMessage> PushAsync(HttpClient http, string trackingId, string body, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"{Path}?X-Atmosphere-tracking-id={trackingId}&X-Atmosphere-Framework=3.1.3-javascript&X-Atmosphere-Transport=polling&Content-Type=application%2Fjson&_=1")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        configure?.Invoke(request);
        return await http.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PushJsonAsync(HttpClient http, string trackingId, object message) =>
        PushAsync(http, trackingId, JsonSerializer.Serialize(message));

    /// <summary>Pushes a subscribe and checks that the POST itself is answered 200 with an empty body.</summary>
    public static async Task SubscribeAsync(HttpClient http, string trackingId, string hash, params object[] requests)
    {
        using var response = await PushJsonAsync(http, trackingId, new { action = "subscribe", hash, requests });
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().BeEmpty("atmosphere.js would hand a non-empty answer to onMessagePublished");
    }

    public static JsonElement Parse(string message)
    {
        using var document = JsonDocument.Parse(message);
        return document.RootElement.Clone();
    }

    public static bool IsEvent(JsonElement message, string name) =>
        message.GetProperty("type").GetString() == "event" && message.GetProperty("event").GetString() == name;
}

/// <summary>
/// Splits what an HTTP transport sends into messages the way atmosphere.js reads them: <c>len|payload</c>
/// with message length tracking; otherwise the handshake, <c>X</c> heartbeats and JSON values back to
/// back. Whitespace between messages (padding) is dropped, as the client trims it.
/// </summary>
internal sealed class AtmosphereTextParser(bool trackMessageSize, bool expectHandshake)
{
    private readonly StringBuilder _pending = new();
    private bool _expectHandshake = expectHandshake;

    public List<string> Feed(string text)
    {
        _pending.Append(text);
        var items = new List<string>();
        while (TryNext(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    private bool TryNext(out string item)
    {
        item = "";
        var text = _pending.ToString();
        var start = 0;
        while (start < text.Length && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        if (start == text.Length)
        {
            return false;
        }

        int end;
        if (trackMessageSize)
        {
            var bar = text.IndexOf('|', start);
            if (bar < 0)
            {
                return false;
            }

            var length = int.Parse(text[start..bar]);
            if (bar + 1 + length > text.Length)
            {
                return false;
            }

            item = text.Substring(bar + 1, length);
            end = bar + 1 + length;
        }
        else if (_expectHandshake)
        {
            end = text.IndexOf("|X|", start, StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            end += 3;
            item = text[start..end];
        }
        else if (text[start] == 'X')
        {
            (item, end) = ("X", start + 1);
        }
        else
        {
            text[start].Should().Be('{', "without length tracking only JSON objects, X and whitespace are sent; got: " + text[start..]);
            end = EndOfObject(text, start);
            if (end < 0)
            {
                return false;
            }

            item = text[start..end];
        }

        _expectHandshake = false;
        _pending.Remove(0, end);
        return true;
    }

    private static int EndOfObject(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }
            }
            else if (c == '"')
            {
                inString = true;
            }
            else if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && --depth == 0)
            {
                return i + 1;
            }
        }

        return -1;
    }
}

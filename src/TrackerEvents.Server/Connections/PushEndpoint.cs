using System.Buffers;
using System.Globalization;
using System.Text;
using TrackerEvents.Auth;
using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// Push on the HTTP transports: <c>POST …?X-Atmosphere-Transport=polling&amp;X-Atmosphere-tracking-id=&lt;uuid&gt;</c>
/// with the message as the body. It is handled as a WebSocket text frame of that client would be; the
/// answer (response, error, snapshot) goes out through the client's poll or stream. The POST itself is
/// answered 200 with an empty body (atmosphere.js hands a non-empty one to onMessagePublished).
/// </summary>
internal sealed class PushEndpoint(ClientRegistry registry, ConnectionSlots slots, TransportServices services)
{
    public async Task HandleAsync(HttpContext http, AtmosphereParameters parameters)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.CacheControl = "no-store";
        if (parameters.TrackingId is not { } trackingId)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("A push needs X-Atmosphere-tracking-id: the uuid the handshake gave.", http.RequestAborted);
            return;
        }

        // Only a client this process holds, from its own address: a push never creates a client (that is the
        // stream's or the poll's first request), so an unknown id costs nothing, not even reading the body.
        var address = ClientAddress.Of(http);
        if (registry.Find(trackingId, address) is not { } client)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            http.Response.Headers.Connection = "close";
            await http.Response.WriteAsync("No such client here: open the stream or poll first, then push with its tracking id.", http.RequestAborted);
            return;
        }

        // A push counts against its address's connections while it is read and handled: the same per-address cap.
        if (!slots.TryTakeAddress(address))
        {
            http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            http.Response.Headers.RetryAfter = "5";
            http.Response.Headers.Connection = "close";
            return;
        }

        try
        {
            await HandleAsync(http, client);
        }
        finally
        {
            slots.ReleaseAddress(address);
        }
    }

    private async Task HandleAsync(HttpContext http, AtmosphereClient client)
    {
        var max = services.Options.MaxMessageBytes;
        string? body;
        try
        {
            body = await ReadBodyAsync(http, max);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
        {
            return; // the client went away mid-body
        }

        Heard(client);
        var kind = body is null ? InboundKind.Message : AtmosphereFraming.Classify(body, out body);
        if (kind != InboundKind.Message)
        {
            return; // a heartbeat (or a blank or ping): proof of life, nothing else
        }

        if (body is null)
        {
            client.Send(EventFrames.Error("null", ApiError.TooLarge,
                w => w.WriteString("reason", string.Create(CultureInfo.InvariantCulture, $"messages are limited to {max} bytes"))));
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        await services.Actions.HandleAsync(client, body, services.Stopped);
    }

    private static void Heard(AtmosphereClient client)
    {
        if (client.Transport is HttpTransport transport)
        {
            transport.Heard();
        }
    }

    /// <summary>The body as UTF-8 text, or null when it is longer than <paramref name="max"/> bytes (reading stops there).</summary>
    private static async Task<string?> ReadBodyAsync(HttpContext http, int max)
    {
        if (http.Request.ContentLength > max)
        {
            return null;
        }

        var reader = http.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(http.RequestAborted);
            var buffer = result.Buffer;
            if (buffer.Length > max)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (result.IsCompleted)
            {
                var text = Encoding.UTF8.GetString(buffer);
                reader.AdvanceTo(buffer.End);
                return text;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}

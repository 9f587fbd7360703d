using System.Net.Http.Headers;
using System.Text;

namespace TrackerEvents.Client.Atmosphere;

/// <summary>
/// The Atmosphere protocol over long-polling, as atmosphere.js falls back to it: a GET answered with the
/// handshake, then GETs that the server holds until it has messages or a heartbeat is due, and each message
/// to the server POSTed with <c>X-Atmosphere-Transport=polling</c>. Bodies are length-tracked, so that a
/// poll answered with several messages splits cleanly.
/// </summary>
internal sealed class LongPollingTransport(Uri endpoint, HttpClient http, TimeProvider time) : IAtmosphereTransport
{
    private readonly Queue<byte[]> _received = new();
    private string _partial = "";
    private string? _trackingId;

    public string Name => AtmosphereUrls.LongPolling;

    public async Task<Handshake?> OpenAsync(string? trackingId, CancellationToken cancellationToken)
    {
        if (trackingId is not null)
        {
            _trackingId = trackingId;
            return null;
        }

        var messages = await PollAsync(null, cancellationToken).ConfigureAwait(false);
        if (messages.Count == 0 || !Handshake.TryParse(messages[0], out var handshake))
        {
            throw new HttpRequestException("Expected the Atmosphere handshake in answer to the first long-poll");
        }

        foreach (var message in messages.Skip(1))
        {
            _received.Enqueue(Encoding.UTF8.GetBytes(message));
        }

        _trackingId = handshake.TrackingId;
        return handshake;
    }

    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (_received.Count == 0)
        {
            foreach (var message in await PollAsync(_trackingId, cancellationToken).ConfigureAwait(false))
            {
                _received.Enqueue(Encoding.UTF8.GetBytes(message));
            }
        }

        return _received.Dequeue();
    }

    public async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        using var content = new StringContent(message, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var response = await http.PostAsync(AtmosphereUrls.Push(endpoint, _trackingId!, time), content, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"A push was answered with HTTP {(int)response.StatusCode}", null, response.StatusCode);
        }
    }

    /// <summary>One poll: held by the server until something waits for this client, then answered with it.</summary>
    private async Task<List<string>> PollAsync(string? trackingId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            AtmosphereUrls.Open(endpoint, Name, trackingId, trackMessageSize: true, time), HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new TransportRefusedException(Name, (int)response.StatusCode);
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return AtmosphereMessages.SplitTracked(body, ref _partial);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

using System.Net;
using System.Text.Json;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>A long-polling client as atmosphere.js drives one: a handshake poll, then poll after poll with the tracking id.</summary>
internal sealed class LongPoller(HttpClient http, bool trackMessageSize)
{
    private readonly Queue<string> _pending = new();

    public string? TrackingId { get; set; }

    public bool TrackMessageSize => trackMessageSize;

    /// <summary>The handshake poll (tracking id 0): answered at once with the handshake alone.</summary>
    public async Task<Poll> HandshakePollAsync()
    {
        var poll = await GetAsync(AtmosphereHttp.Query("long-polling", null, trackMessageSize), expectHandshake: true, TimeSpan.FromSeconds(10));
        poll.Status.Should().Be(HttpStatusCode.OK);
        poll.Items.Should().ContainSingle("the handshake comes alone: {0}", poll.Body);
        TrackingId = poll.Items[0].Split('|')[0];
        return poll;
    }

    /// <summary>One poll with the tracking id, held by the server until it has something.</summary>
    public Task<Poll> PollAsync(TimeSpan? timeout = null, string? extraQuery = null) =>
        GetAsync(AtmosphereHttp.Query("long-polling", TrackingId, trackMessageSize, extra: extraQuery), expectHandshake: false,
            timeout ?? TimeSpan.FromSeconds(10));

    /// <summary>The next JSON message, polling as often as needed (heartbeats are skipped).</summary>
    public async Task<JsonElement> NextMessageAsync(Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            while (_pending.TryDequeue(out var item))
            {
                if (item != "X" && AtmosphereHttp.Parse(item) is var message && (match is null || match(message)))
                {
                    return message;
                }
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("No matching message by long-polling in time.");
            }

            var poll = await PollAsync(left);
            poll.Status.Should().Be(HttpStatusCode.OK);
            foreach (var item in poll.Items)
            {
                _pending.Enqueue(item);
            }
        }
    }

    public Task<JsonElement> NextEventAsync(string name, TimeSpan? timeout = null) =>
        NextMessageAsync(m => AtmosphereHttp.IsEvent(m, name), timeout);

    private async Task<Poll> GetAsync(string url, bool expectHandshake, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await http.GetAsync(url, cancel.Token);
            var body = await response.Content.ReadAsStringAsync(cancel.Token);
            var items = response.IsSuccessStatusCode ? new AtmosphereTextParser(trackMessageSize, expectHandshake).Feed(body) : [];
            return new Poll(response.StatusCode, body, items, response.Content.Headers.ContentType?.ToString(),
                response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) ? string.Join(",", nosniff) : null);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"The poll was not answered within {timeout.TotalSeconds:0.#} s.");
        }
    }

    public sealed record Poll(HttpStatusCode Status, string Body, List<string> Items, string? ContentType, string? ContentTypeOptions);
}

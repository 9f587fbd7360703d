using System.Text.Json;
using TrackerEvents.Client;

namespace TrackerEvents.Tail;

/// <summary>Logs in, subscribes, and writes every event as one JSON line; forwards each to a webhook when asked.</summary>
internal sealed class Tail(TailSettings settings, Stream stdout, TextWriter stderr)
{
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        Credentials credentials;
        if (settings.Hash is { } hash)
        {
            credentials = Credentials.Hash(hash);
        }
        else if (settings.Login is { } login && settings.Password is { } password)
        {
            credentials = Credentials.Password(login, password);
        }
        else
        {
            await stderr.WriteLineAsync("Give --login and --password, or --hash.").ConfigureAwait(false);
            return 2;
        }

        await using var client = new TrackerEventsClient(new TrackerEventsClientOptions
        {
            ApiUrl = settings.ApiUrl,
            Credentials = credentials,
            LongPollingOnly = settings.LongPolling,
        });
        WebhookForwarder? forwarder = settings.Forward is { } target
            ? new WebhookForwarder(target, settings.ForwardQueue, settings.ForwardAttempts, stderr)
            : null;
        var count = 0L;
        try
        {
            var requests = await RequestsAsync(client, cancellationToken).ConfigureAwait(false);
            await using var subscription = await client.SubscribeAsync(requests, cancellationToken).ConfigureAwait(false);
            subscription.ConnectionChanged += (_, change) => stderr.WriteLine(Describe(change));
            await stderr.WriteLineAsync(
                $"tail: subscribed to {string.Join(", ", settings.Events)} on {settings.ApiUrl} over {subscription.Transport}").ConfigureAwait(false);
            await foreach (var e in subscription.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var line = OneLine(e.RawJson);
                await stdout.WriteAsync(line, cancellationToken).ConfigureAwait(false);
                await stdout.WriteAsync(NewLine, cancellationToken).ConfigureAwait(false);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
                forwarder?.Enqueue(line);
                count++;
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (NavixyApiException e)
        {
            await stderr.WriteLineAsync($"tail: {e.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            await stderr.WriteLineAsync($"tail: {count} events").ConfigureAwait(false);
            if (forwarder is not null)
            {
                await forwarder.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One request per type; <c>state</c> names its trackers, so without <c>--trackers</c> they come from <c>tracker/list</c>.</summary>
    private async Task<List<SubscriptionRequest>> RequestsAsync(TrackerEventsClient client, CancellationToken cancellationToken)
    {
        var target = settings.Trackers is { } ids ? SubscriptionTarget.Selected(ids) : SubscriptionTarget.All;
        var requests = new List<SubscriptionRequest>();
        foreach (var type in settings.Events)
        {
            requests.Add(type switch
            {
                EventNames.State => SubscriptionRequest.State(
                    settings.Trackers ?? [.. (await client.ListTrackersAsync(cancellationToken).ConfigureAwait(false)).Select(t => t.Id)]),
                EventNames.StateBatch => SubscriptionRequest.StateBatch(target, settings.RateLimit),
                EventNames.ReadingsBatch => SubscriptionRequest.ReadingsBatch(target, settings.RateLimit),
                _ => SubscriptionRequest.IotMonitor(target, settings.RateLimit),
            });
        }

        return requests;
    }

    private static string Describe(ConnectionChange change) => change.State switch
    {
        ConnectionState.Disconnected =>
            $"tail: connection lost ({change.Error?.Message ?? "closed"}); reconnecting in {change.RetryIn?.TotalSeconds:0.0} s (attempt {change.Attempt})",
        ConnectionState.Reconnected => $"tail: reconnected over {change.Transport}",
        ConnectionState.FellBack => $"tail: WebSocket refused ({change.Error?.Message}); using long-polling",
        _ => $"tail: connected over {change.Transport}",
    };

    /// <summary>The event's JSON on one line (servers send it so; a pretty-printed one is compacted).</summary>
    internal static byte[] OneLine(ReadOnlyMemory<byte> json)
    {
        if (json.Span.IndexOfAny((byte)'\n', (byte)'\r') < 0)
        {
            return json.ToArray();
        }

        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            document.WriteTo(writer);
        }

        return buffer.ToArray();
    }
}

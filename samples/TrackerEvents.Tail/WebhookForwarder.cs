using System.Net.Http.Headers;
using System.Threading.Channels;
using TrackerEvents.Client;

namespace TrackerEvents.Tail;

/// <summary>
/// POSTs each event to a webhook, in order, retrying a failed POST with exponential backoff and jitter. The
/// events waiting are bounded: past the queue's size the oldest is dropped and counted, so a webhook that is
/// down never grows the tool's memory, and a drop is reported on stderr, as is the summary at the end.
/// </summary>
internal sealed class WebhookForwarder : IAsyncDisposable
{
    private static readonly ReconnectPolicy Backoff = new() { InitialDelay = TimeSpan.FromMilliseconds(200), MaxDelay = TimeSpan.FromSeconds(10) };

    private readonly Uri _target;
    private readonly int _attempts;
    private readonly TextWriter _log;
    private readonly Channel<byte[]> _queue;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private long _dropped;
    private long _forwarded;
    private long _failed;

    public WebhookForwarder(Uri target, int capacity, int attempts, TextWriter log)
    {
        _target = target;
        _attempts = Math.Max(1, attempts);
        _log = log;
        _queue = Channel.CreateBounded<byte[]>(
            new BoundedChannelOptions(Math.Max(1, capacity)) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Dropped());
        _worker = Task.Run(RunAsync);
    }

    public void Enqueue(byte[] json) => _queue.Writer.TryWrite(json);

    private async Task RunAsync()
    {
        await foreach (var json in _queue.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
        {
            for (var attempt = 1; ; attempt++)
            {
                var failure = await PostAsync(json).ConfigureAwait(false);
                if (failure is null)
                {
                    Interlocked.Increment(ref _forwarded);
                    break;
                }

                if (attempt == _attempts)
                {
                    Interlocked.Increment(ref _failed);
                    await _log.WriteLineAsync($"forward: gave up on an event after {attempt} attempts ({failure})").ConfigureAwait(false);
                    break;
                }

                var delay = Backoff.DelayFor(attempt - 1, Random.Shared.NextDouble());
                await _log.WriteLineAsync($"forward: {failure}; retrying in {delay.TotalSeconds:0.0} s (attempt {attempt + 1} of {_attempts})")
                    .ConfigureAwait(false);
                await Task.Delay(delay, _stop.Token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Null when the webhook took it (2xx), else what went wrong.</summary>
    private async Task<string?> PostAsync(byte[] json)
    {
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var response = await _http.PostAsync(_target, content, _stop.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"the webhook answered HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !_stop.IsCancellationRequested)
        {
            return e.Message;
        }
    }

    private void Dropped()
    {
        if (Interlocked.Increment(ref _dropped) is var dropped && (dropped == 1 || dropped % 1000 == 0))
        {
            _log.WriteLine($"forward: the webhook is behind; {dropped} events dropped so far (queue full)");
        }
    }

    /// <summary>Delivers what waits (for up to 5 s more), then reports what was forwarded, dropped and given up.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _stop.CancelAfter(TimeSpan.FromSeconds(5));
        await _worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var left = _queue.Reader.Count;
        await _log.WriteLineAsync(
            $"forward: {Interlocked.Read(ref _forwarded)} forwarded, {Interlocked.Read(ref _dropped)} dropped (queue full), "
            + $"{Interlocked.Read(ref _failed)} given up after retries, {left} not sent at exit").ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
    }
}

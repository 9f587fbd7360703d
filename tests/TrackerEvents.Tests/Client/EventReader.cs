using TrackerEvents.Client;

namespace TrackerEvents.Tests.Client;

/// <summary>Reads a subscription's events as a consumer does, one at a time, each awaited with a deadline.</summary>
internal sealed class EventReader(EventSubscription subscription) : IAsyncDisposable
{
    private readonly IAsyncEnumerator<TrackerEvent> _events = subscription.ReadAllAsync().GetAsyncEnumerator();

    /// <summary>The next event of type <typeparamref name="T"/> that matches, skipping others.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null) where T : TrackerEvent
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await NextWithin(left))
            {
                throw new TimeoutException($"No {typeof(T).Name} that matches within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds} s");
            }

            if (_events.Current is T found && (match is null || match(found)))
            {
                return found;
            }
        }
    }

    /// <summary>The next event, whatever it is; false when the enumeration ended.</summary>
    public Task<bool> MoveNextAsync(TimeSpan? timeout = null) => NextWithin(timeout ?? TimeSpan.FromSeconds(15));

    public TrackerEvent Current => _events.Current;

    private async Task<bool> NextWithin(TimeSpan timeout) => await _events.MoveNextAsync().AsTask().WaitAsync(timeout);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _events.DisposeAsync();
        }
        catch (NotSupportedException)
        {
            // a read that timed out is still pending; the test has failed on that already
        }
    }
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TrackerEvents.Auth;

/// <summary>
/// Counts failed logins per login and per client address in a sliding window. Past either limit,
/// logins are refused (error 105), even with the right password, until old failures leave the window.
/// Kept in memory per process: each node of a cluster throttles on its own.
/// </summary>
internal sealed class LoginThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    private const int MaxTrackedKeys = 100_000;
    private readonly ConcurrentDictionary<string, Queue<long>> _failures = new(StringComparer.Ordinal);

    public bool IsLockedOut(string login, string address) =>
        Count("l:" + login) >= options.Value.MaxFailedLoginsPerLogin || Count("a:" + address) >= options.Value.MaxFailedLoginsPerAddress;

    public void RecordFailure(string login, string address)
    {
        if (_failures.Count > MaxTrackedKeys)
        {
            Prune();
        }

        Add("l:" + login);
        Add("a:" + address);
    }

    /// <summary>A successful login clears its login's failures (not its address's).</summary>
    public void RecordSuccess(string login) => _failures.TryRemove("l:" + login, out _);

    private void Add(string key)
    {
        var queue = _failures.GetOrAdd(key, _ => new Queue<long>());
        lock (queue)
        {
            queue.Enqueue(time.GetTimestamp());
        }
    }

    private int Count(string key)
    {
        if (!_failures.TryGetValue(key, out var queue))
        {
            return 0;
        }

        lock (queue)
        {
            Expire(queue);
            return queue.Count;
        }
    }

    private void Expire(Queue<long> queue)
    {
        while (queue.Count > 0 && time.GetElapsedTime(queue.Peek()) >= options.Value.FailedLoginWindow)
        {
            queue.Dequeue();
        }
    }

    private void Prune()
    {
        foreach (var (key, queue) in _failures)
        {
            lock (queue)
            {
                Expire(queue);
                if (queue.Count == 0)
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }
}

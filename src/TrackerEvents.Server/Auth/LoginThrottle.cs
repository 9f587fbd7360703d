using Microsoft.Extensions.Options;

namespace TrackerEvents.Auth;

/// <summary>
/// Counts login attempts per login and per client address in a sliding window. An attempt is counted
/// before its password is checked (<see cref="TryReserve"/>), so concurrent attempts cannot all pass the
/// check: past either limit, logins are refused (error 105), even with the right password, until old
/// failures leave the window. A right password gives its attempt back and clears its login's failures; an
/// attempt that was never checked (no permit, the store down) is given back too.
/// Kept in memory per process: each node of a cluster throttles on its own.
/// </summary>
internal sealed class LoginThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    private const int MaxTrackedKeys = 100_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<long>> _attempts = new(StringComparer.Ordinal);

    /// <summary>
    /// Counts an attempt against the login and the address, unless either is at its limit already (false:
    /// refuse it). Then <see cref="Succeeded"/> or <see cref="Failed"/> settles it.
    /// </summary>
    public bool TryReserve(string login, string address, out LoginAttempt attempt)
    {
        lock (_gate)
        {
            attempt = new LoginAttempt("l:" + login, "a:" + address, time.GetTimestamp());
            if (Count(attempt.LoginKey) >= options.Value.MaxFailedLoginsPerLogin || Count(attempt.AddressKey) >= options.Value.MaxFailedLoginsPerAddress)
            {
                return false;
            }

            if (_attempts.Count > MaxTrackedKeys)
            {
                Prune();
            }

            Queue(attempt.LoginKey).Enqueue(attempt.At);
            Queue(attempt.AddressKey).Enqueue(attempt.At);
            return true;
        }
    }

    /// <summary>The attempt was not a wrong password (no check was made, or the check could not finish): it no longer counts.</summary>
    public void Release(LoginAttempt attempt)
    {
        lock (_gate)
        {
            Remove(attempt.LoginKey, attempt.At);
            Remove(attempt.AddressKey, attempt.At);
        }
    }

    /// <summary>The password was right: the attempt no longer counts, and the login's failures are forgiven (not its address's).</summary>
    public void Succeeded(LoginAttempt attempt)
    {
        lock (_gate)
        {
            _attempts.Remove(attempt.LoginKey);
            Remove(attempt.AddressKey, attempt.At);
        }
    }

    private void Remove(string key, long at)
    {
        if (!_attempts.TryGetValue(key, out var queue))
        {
            return;
        }

        var kept = queue.ToList();
        kept.Remove(at);
        queue.Clear();
        foreach (var stamp in kept)
        {
            queue.Enqueue(stamp);
        }
    }

    private Queue<long> Queue(string key)
    {
        if (!_attempts.TryGetValue(key, out var queue))
        {
            _attempts[key] = queue = new Queue<long>();
        }

        return queue;
    }

    private int Count(string key)
    {
        if (!_attempts.TryGetValue(key, out var queue))
        {
            return 0;
        }

        Expire(queue);
        return queue.Count;
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
        foreach (var (key, queue) in _attempts.ToList())
        {
            Expire(queue);
            if (queue.Count == 0)
            {
                _attempts.Remove(key);
            }
        }
    }
}

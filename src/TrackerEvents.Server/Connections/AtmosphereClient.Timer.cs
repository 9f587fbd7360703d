namespace TrackerEvents.Connections;

/// <summary>The client's one entry on the process-wide timer wheel: retention expiry, batch flushes, the transport's timers.</summary>
internal sealed partial class AtmosphereClient
{
    public void OnTimer(long token)
    {
        IClientTransport? transport;
        TimeSpan next;
        var expired = false;
        lock (_gate)
        {
            if (token != _timerToken || _released)
            {
                return;
            }

            _nextDue = long.MaxValue;
            transport = _transport;
            if (transport is null)
            {
                var left = _registry.Options.Retention - Time.GetElapsedTime(_detachedAt);
                expired = left <= TimeSpan.Zero;
                next = left;
            }
            else
            {
                next = FlushBatchesLocked();
            }
        }

        if (expired)
        {
            _registry.Release(this, "retention expired");
            return;
        }

        if (transport is not null)
        {
            var transportNext = transport.OnTimer();
            next = transportNext < next ? transportNext : next;
            NotifyTransport();
        }

        lock (_gate)
        {
            ScheduleLocked(next);
        }
    }

    /// <summary>Makes sure the client's timer runs within <paramref name="delay"/>; a later callback already scheduled is superseded.</summary>
    private void ScheduleLocked(TimeSpan delay)
    {
        if (_released || delay == TimeSpan.MaxValue)
        {
            return;
        }

        var due = Time.GetTimestamp() + (long)(Math.Max(0, delay.TotalSeconds) * Time.TimestampFrequency);
        if (due >= _nextDue)
        {
            return;
        }

        _nextDue = due;
        _registry.Wheel.Schedule(this, ++_timerToken, delay);
    }
}

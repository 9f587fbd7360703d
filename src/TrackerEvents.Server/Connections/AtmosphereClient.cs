using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// One Atmosphere client, identified by its tracking id. It owns the client's subscriptions and
/// outbox, and outlives the transports it is reached through: when a connection drops abnormally the
/// client is kept for the retention period, changes keep conflating into its outbox, and a reconnect
/// with the same tracking id picks everything up. All state is guarded by one lock per client.
/// </summary>
internal sealed partial class AtmosphereClient : ITimerTarget
{
    private readonly ClientRegistry _registry;
    private readonly Lock _gate = new();
    private readonly Outbox _outbox;
    private IClientTransport? _transport;
    private long _detachedAt;
    private bool _released;
    private long _timerToken;
    private long _nextDue = long.MaxValue;
    private double _actionTokens;
    private long _actionTokensAt;

    public AtmosphereClient(string trackingId, long number, ClientRegistry registry)
    {
        TrackingId = trackingId;
        Number = number;
        _registry = registry;
        _outbox = new Outbox(registry.Options.MaxQueuedMessages);
        _actionTokens = registry.Options.MaxActionsPerSecond;
        _actionTokensAt = registry.Time.GetTimestamp();
        _detachedAt = _actionTokensAt;
        lock (_gate)
        {
            ScheduleLocked(registry.Options.Retention); // a client that never gets a connection expires like a dropped one
        }
    }

    public string TrackingId { get; }

    /// <summary>A small number that names the client in logs.</summary>
    public long Number { get; }

    public bool IsReleased
    {
        get
        {
            lock (_gate)
            {
                return _released;
            }
        }
    }

    /// <summary>Whether a transport is attached (false while the client is retained after a drop).</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _transport is not null;
            }
        }
    }

    /// <summary>The transport attached right now (null while the client is retained after a drop).</summary>
    public IClientTransport? Transport
    {
        get
        {
            lock (_gate)
            {
                return _transport;
            }
        }
    }

    private TimeProvider Time => _registry.Time;

    private SubscriptionIndex Index => _registry.Index;

    /// <summary>
    /// Makes <paramref name="transport"/> the way to reach this client; a previous one is closed.
    /// Returns false if the client was released; otherwise <paramref name="lostSince"/> says from when
    /// writes may not have reached the client (the drop, or now if the old connection was still up).
    /// </summary>
    public bool Attach(IClientTransport transport, out long lostSince)
    {
        IClientTransport? previous;
        lock (_gate)
        {
            lostSince = _transport is null ? _detachedAt : Time.GetTimestamp();
            if (_released)
            {
                return false;
            }

            previous = _transport;
            _transport = transport;
            _detachedAt = 0;
            ScheduleLocked(TimeSpan.Zero);
        }

        if (previous is not null && previous != transport)
        {
            previous.Abort("replaced by a newer connection with the same tracking id");
        }

        transport.OnDataAvailable();
        return true;
    }

    /// <summary>The transport went away; the client is retained for its reconnect. False if another transport had already taken over.</summary>
    public bool Detach(IClientTransport transport)
    {
        lock (_gate)
        {
            if (_transport != transport)
            {
                return false;
            }

            _transport = null;
            _detachedAt = Time.GetTimestamp();
            ScheduleLocked(_registry.Options.Retention);
            return true;
        }
    }

    /// <summary>Takes the next message for <paramref name="transport"/>; nothing if it is no longer the attached one.</summary>
    public bool TryTake(IClientTransport transport, out Payload payload)
    {
        lock (_gate)
        {
            if (_transport != transport)
            {
                payload = null!;
                return false;
            }

            return _outbox.TryTake(out payload);
        }
    }

    /// <summary>Closes the current connection in an orderly way (the client is kept, and will reconnect).</summary>
    public void CloseTransport(string reason)
    {
        IClientTransport? transport;
        lock (_gate)
        {
            transport = _transport;
        }

        transport?.Close(reason);
    }

    /// <summary>
    /// Whether the outbox holds something for <paramref name="transport"/> to send: false once another
    /// transport took over or the client was detached (a retained client keeps collecting states, but
    /// only its next connection may send them).
    /// </summary>
    public bool HasPendingFor(IClientTransport transport)
    {
        lock (_gate)
        {
            return _transport == transport && _outbox.Count > 0;
        }
    }

    public bool HasPending
    {
        get
        {
            lock (_gate)
            {
                return _outbox.Count > 0;
            }
        }
    }

    /// <summary>Queues a heartbeat unless something else is about to be written anyway.</summary>
    public void EnqueueHeartbeat(Payload heartbeat)
    {
        lock (_gate)
        {
            if (_outbox.Count == 0)
            {
                _outbox.Add(heartbeat);
            }
        }
    }

    /// <summary>Queues a response, error or event and wakes the transport.</summary>
    public void Send(Payload payload)
    {
        bool accepted;
        lock (_gate)
        {
            accepted = _released || AddLocked(payload);
        }

        if (accepted)
        {
            NotifyTransport();
        }
    }

    /// <summary>Tells the transport that the outbox has something.</summary>
    public void NotifyTransport()
    {
        IClientTransport? transport;
        lock (_gate)
        {
            transport = _outbox.Count > 0 ? _transport : null;
        }

        transport?.OnDataAvailable();
    }

    /// <summary>Takes one action token (<see cref="AtmosphereOptions.MaxActionsPerSecond"/>, refilled continuously).</summary>
    public bool TryTakeActionToken()
    {
        lock (_gate)
        {
            var rate = _registry.Options.MaxActionsPerSecond;
            var now = Time.GetTimestamp();
            _actionTokens = Math.Min(rate, _actionTokens + Time.GetElapsedTime(_actionTokensAt, now).TotalSeconds * rate);
            _actionTokensAt = now;
            if (_actionTokens < 1)
            {
                return false;
            }

            _actionTokens--;
            return true;
        }
    }

    /// <summary>Drops the client: subscriptions, retention, outbox. Called through <see cref="ClientRegistry.Release"/>.</summary>
    internal IClientTransport? ReleaseCore()
    {
        lock (_gate)
        {
            if (_released)
            {
                return null;
            }

            _released = true;
            foreach (var id in WatchedTrackersLocked())
            {
                Index.RemoveTracker(id, this);
            }

            foreach (var id in _sessions)
            {
                Index.RemoveSession(id, this);
            }

            foreach (var id in _users)
            {
                Index.RemoveUser(id, this);
            }

            ClearSubscriptionsLocked();
            while (_outbox.TryTake(out _))
            {
            }

            var transport = _transport;
            _transport = null;
            return transport;
        }
    }

    /// <summary>Queues a control message; when the client is this far behind, it is dropped as too slow.</summary>
    private bool AddLocked(Payload payload)
    {
        if (_outbox.Add(payload))
        {
            return true;
        }

        _registry.ReleaseLater(this, $"too slow: {_registry.Options.MaxQueuedMessages} messages waiting");
        return false;
    }

}

using System.Net;
using TrackerEvents.Diagnostics;
using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// One Atmosphere client, identified by its tracking id: its transport attachment, outbox, action tokens and
/// timer, and its <see cref="ClientSubscriptions"/>, all under one lock. It outlives its transports: after an
/// abnormal drop it is kept for the retention period, changes keep conflating into its outbox, and a
/// reconnect with the same tracking id picks everything up.
/// </summary>
internal sealed partial class AtmosphereClient : ITimerTarget
{
    private readonly ClientServices _services;
    private readonly Action<AtmosphereClient> _forget;
    private readonly Outbox _outbox;
    private readonly WheelEntry _timer;
    private IClientTransport? _transport;
    private long _detachedAt;
    private bool _released;
    private bool _releasing;

    /// <param name="forget">Called once the client is released, to take it out of its registry.</param>
    public AtmosphereClient(string trackingId, IPAddress? address, long number, ClientServices services, Action<AtmosphereClient> forget)
    {
        TrackingId = trackingId;
        Address = address;
        Tag = TrackingIds.Tag(trackingId);
        Number = number;
        _services = services;
        _forget = forget;
        _outbox = new Outbox(services.Limits.MaxQueuedMessages);
        Subscriptions = new ClientSubscriptions(this, services);
        Actions = new ActionTokens(services.Limits.MaxActionsPerSecond, services.Time);
        _timer = new WheelEntry(this, services.Wheel, services.Time);
        _detachedAt = services.Time.GetTimestamp();
        lock (Gate)
        {
            ScheduleLocked(services.Limits.Retention); // a client that never gets a connection expires like a dropped one
        }
    }

    public string TrackingId { get; }

    /// <summary>The address the client connects from: with <see cref="TrackingId"/>, what names it.</summary>
    public IPAddress? Address { get; }

    /// <summary>What the client is subscribed to: the action handler and the dispatcher go through it.</summary>
    public ClientSubscriptions Subscriptions { get; }

    /// <summary>Actions it may send (<see cref="ClientLimits.MaxActionsPerSecond"/>, refilled continuously).</summary>
    public ActionTokens Actions { get; }

    /// <summary>The lock that guards the client, its outbox and its subscriptions.</summary>
    internal Lock Gate { get; } = new();

    internal bool IsReleasedLocked => _released;

    internal Outbox OutboxLocked => _outbox;

    /// <summary>A small number that names the client in logs.</summary>
    public long Number { get; }

    /// <summary>What logs say of the tracking id (<see cref="TrackingIds.Tag"/>): the id itself is a secret.</summary>
    public string Tag { get; }

    // Read without the lock (the fields change under it): a caller gets a value that may be stale the next
    // moment, as it would after leaving the lock anyway.
    public bool IsReleased => Volatile.Read(ref _released);

    /// <summary>Whether a transport is attached (false while the client is retained after a drop).</summary>
    public bool IsConnected => Transport is not null;

    /// <summary>The transport attached right now (null while the client is retained after a drop).</summary>
    public IClientTransport? Transport => Volatile.Read(ref _transport);

    /// <summary>Whether the outbox holds anything (read without the lock, like <see cref="IsReleased"/>).</summary>
    public bool HasPending => _outbox.Count > 0;

    private TimeProvider Time => _services.Time;

    /// <summary>Makes <paramref name="transport"/> the way to reach this client, closing a previous one. False if the client
    /// was released; else <paramref name="lostSince"/> is from when writes may not have arrived (the drop, or now).</summary>
    public bool Attach(IClientTransport transport, out long lostSince)
    {
        IClientTransport? previous;
        lock (Gate)
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
            previous.Abort(Disconnect.Replaced);
        }

        transport.OnDataAvailable();
        return true;
    }

    /// <summary>The transport went away; the client is retained for its reconnect. False if another transport had already taken over.</summary>
    public bool Detach(IClientTransport transport)
    {
        lock (Gate)
        {
            if (_transport != transport)
            {
                return false;
            }

            _transport = null;
            _detachedAt = Time.GetTimestamp();
            ScheduleLocked(_services.Limits.Retention);
            return true;
        }
    }

    /// <summary>Takes the next message for <paramref name="transport"/>; nothing if it is no longer the attached one.</summary>
    public bool TryTake(IClientTransport transport, out Payload payload)
    {
        lock (Gate)
        {
            if (_transport != transport)
            {
                payload = null!;
                return false;
            }

            return _outbox.TryTake(out payload);
        }
    }

    /// <summary>Whether the outbox holds something for <paramref name="transport"/>: false once another took over or the client
    /// was detached (a retained client keeps collecting states, but only its next connection may send them).</summary>
    public bool HasPendingFor(IClientTransport transport)
    {
        lock (Gate)
        {
            return _transport == transport && _outbox.Count > 0;
        }
    }

    /// <summary>Closes the current connection in an orderly way (the client is kept, and will reconnect).</summary>
    public void CloseTransport(Disconnect reason) => Transport?.Close(reason);

    /// <summary>Queues a heartbeat unless something else is about to be written anyway.</summary>
    public void EnqueueHeartbeat(Payload heartbeat)
    {
        lock (Gate)
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
        lock (Gate)
        {
            if (!_released)
            {
                _outbox.Add(payload);
                AfterChangeLocked();
            }
        }

        NotifyTransport();
    }

    /// <summary>Tells the transport that the outbox has something.</summary>
    public void NotifyTransport()
    {
        IClientTransport? transport;
        lock (Gate)
        {
            transport = _outbox.Count > 0 ? _transport : null;
        }

        transport?.OnDataAvailable();
    }

    /// <summary>Drops the client for good (subscriptions, retention, outbox, connection); the first call wins, its reason logged and counted.</summary>
    public void Release(Disconnect reason)
    {
        IClientTransport? transport;
        lock (Gate)
        {
            if (_released)
            {
                return;
            }

            _released = true;
            Subscriptions.ClearLocked();
            _outbox.Clear();
            transport = _transport;
            _transport = null;
        }

        _forget(this);
        transport?.Abort(reason);
        _services.Metrics.CountRelease(reason);
        LogReleased(_services.Logger, Number, Tag, reason.Text);
    }

    /// <summary>Ends a client nobody has seen (it lost a race to be registered): no log line, nothing counted.</summary>
    public void Discard() => Volatile.Write(ref _released, true);

    /// <summary>Runs on the timer wheel: retention expiry while detached; batch flushes and the transport's timers while attached.</summary>
    public void OnTimer(long token)
    {
        IClientTransport? transport;
        TimeSpan next;
        var expired = false;
        lock (Gate)
        {
            if (_released || !_timer.Fire(token))
            {
                return;
            }

            transport = _transport;
            if (transport is null)
            {
                next = _services.Limits.Retention - Time.GetElapsedTime(_detachedAt);
                expired = next <= TimeSpan.Zero;
            }
            else
            {
                next = Subscriptions.FlushLocked(_outbox);
                CheckOverflowLocked();
            }
        }

        if (expired)
        {
            Release(Disconnect.RetentionExpired);
            return;
        }

        if (transport?.OnTimer() is { } transportNext)
        {
            next = transportNext < next ? transportNext : next;
            NotifyTransport();
        }

        lock (Gate)
        {
            ScheduleLocked(next);
        }
    }

    /// <summary>After the subscriptions took a change (the caller holds the lock): drop a client whose outbox overflowed, and time the next batch frame (returned).</summary>
    internal TimeSpan AfterChangeLocked()
    {
        CheckOverflowLocked();
        var due = Subscriptions.FlushDueLocked;
        ScheduleLocked(due);
        return due;
    }

    internal void CheckOverflowLocked()
    {
        if (_outbox.Overflowed && !_releasing)
        {
            // Not under this lock: releasing takes other locks (the index) and calls the transport.
            _releasing = true;
            ThreadPool.QueueUserWorkItem(static state => state.Client.Release(state.Reason),
                (Client: this, Reason: Disconnect.QueueFull(_outbox.Limit)), preferLocal: false);
        }
    }

    private void ScheduleLocked(TimeSpan delay)
    {
        if (!_released)
        {
            _timer.Schedule(delay);
        }
    }

    [LoggerMessage(EventId = LogEvents.ClientReleased, Level = LogLevel.Information, Message = "Client {ClientNumber} (tracking tag {TrackingTag}) released: {Reason}")]
    private static partial void LogReleased(ILogger logger, long clientNumber, string trackingTag, string reason);
}

using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// The deadlines of one connection, the same for every transport: a write that does not finish (the
/// client stopped reading), silence towards the client (a heartbeat is due), silence from the client
/// (a dead peer), and, for the HTTP transports, a client that sends no next request. The times are read
/// and written atomically from any thread; <see cref="Check"/> decides from one reading of them.
/// </summary>
internal sealed class TransportDeadlines
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _stallTimeout;
    private readonly TimeSpan _deadPeer;
    private long _lastWrite;
    private long _writeStarted;
    private long _lastHeard;

    /// <param name="heartbeat">Server heartbeat interval (zero: none).</param>
    /// <param name="stallTimeout">Longest a write may take, and longest gap between an HTTP transport's requests.</param>
    /// <param name="deadPeer">Longest silence from the client (zero: not watched here, as for a WebSocket, whose pings do it).</param>
    public TransportDeadlines(TimeProvider time, TimeSpan heartbeat, TimeSpan stallTimeout, TimeSpan deadPeer)
    {
        _time = time;
        Heartbeat = heartbeat;
        _stallTimeout = stallTimeout;
        _deadPeer = deadPeer;
        _lastWrite = _lastHeard = time.GetTimestamp();
    }

    public TimeSpan Heartbeat { get; }

    /// <summary>Whether a write is in progress.</summary>
    public bool Writing => Volatile.Read(ref _writeStarted) != 0;

    public TimeSpan SinceLastWrite => _time.GetElapsedTime(Volatile.Read(ref _lastWrite));

    /// <summary>
    /// The server heartbeat for a connection: the configured interval; <c>X-Heartbeat-Server: 0</c>
    /// turns it off, and a client asking for a longer one gets that (a shorter one is raised).
    /// </summary>
    public static TimeSpan HeartbeatFor(TimeSpan configured, int? requestedSeconds) => requestedSeconds switch
    {
        0 => TimeSpan.Zero,
        { } seconds when TimeSpan.FromSeconds(seconds) > configured => TimeSpan.FromSeconds(seconds),
        _ => configured,
    };

    public void WriteStarted() => Volatile.Write(ref _writeStarted, _time.GetTimestamp());

    /// <summary>A write ended; returns when (a timestamp), for the caller's own timing of it.</summary>
    public long WriteEnded()
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _lastWrite, now);
        Volatile.Write(ref _writeStarted, 0);
        return now;
    }

    /// <summary>Something came from the client (a message, a heartbeat, a request): it is alive.</summary>
    public void Heard() => Volatile.Write(ref _lastHeard, _time.GetTimestamp());

    /// <summary>A new request of an HTTP transport: heard from, and written to (the first bytes go out at once).</summary>
    public void Restart()
    {
        var now = _time.GetTimestamp();
        Volatile.Write(ref _lastHeard, now);
        Volatile.Write(ref _lastWrite, now);
        Volatile.Write(ref _writeStarted, 0);
    }

    /// <summary>
    /// Whether the connection must end, whether a heartbeat is due now, and how soon to check again.
    /// </summary>
    /// <param name="canWrite">A heartbeat may go out now (a WebSocket not sending, a held HTTP request not writing).</param>
    /// <param name="awaitingRequestSince">For an HTTP transport between requests: since when it waits for the next one.</param>
    /// <param name="writeTarget">What is written to, for the log: "socket", "response".</param>
    /// <param name="requestNoun">What the client sends to keep an HTTP transport going, for the log: "poll".</param>
    public DeadlineCheck Check(bool canWrite, long? awaitingRequestSince, string writeTarget, string requestNoun)
    {
        var started = Volatile.Read(ref _writeStarted);
        if (started != 0 && _time.GetElapsedTime(started) >= _stallTimeout)
        {
            return DeadlineCheck.End(Disconnect.Stalled(writeTarget, _stallTimeout));
        }

        if (awaitingRequestSince is { } since && _time.GetElapsedTime(since) >= _stallTimeout)
        {
            return DeadlineCheck.End(Disconnect.NoRequest(requestNoun, _stallTimeout));
        }

        var next = _stallTimeout;
        if (_deadPeer > TimeSpan.Zero)
        {
            var unheard = _time.GetElapsedTime(Volatile.Read(ref _lastHeard));
            if (unheard >= _deadPeer)
            {
                return DeadlineCheck.End(Disconnect.DeadPeer(_deadPeer));
            }

            // Deadlines that a new request or write can bring forward are checked at least once per interval.
            next = Min(next, _deadPeer - unheard);
        }

        if (awaitingRequestSince is { } waiting)
        {
            next = Min(next, _stallTimeout - _time.GetElapsedTime(waiting));
        }

        var heartbeat = false;
        if (Heartbeat > TimeSpan.Zero)
        {
            var idle = SinceLastWrite;
            var due = idle >= Heartbeat;
            heartbeat = due && canWrite;
            next = Min(next, due || !canWrite ? Heartbeat : Heartbeat - idle);
        }

        return new DeadlineCheck(null, heartbeat, next);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}

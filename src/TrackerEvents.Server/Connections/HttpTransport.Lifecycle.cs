namespace TrackerEvents.Connections;

/// <summary>The timers of an HTTP transport (heartbeat, stall, gaps between requests, dead peer) and how it ends.</summary>
internal abstract partial class HttpTransport
{
    /// <summary>
    /// Sends a heartbeat when one is due, and ends the transport when a write has stalled, when no new request
    /// came for the stall timeout, or when nothing was heard from the client for the dead-peer window.
    /// </summary>
    public TimeSpan OnTimer()
    {
        var options = Registry.Options;
        var deadPeer = options.ClientHeartbeat * options.DeadPeerIntervals;
        var next = options.StallTimeout;
        string? end = null;
        var heartbeat = false;
        lock (_gate)
        {
            if (_endReason is not null)
            {
                return TimeSpan.MaxValue;
            }

            var unheard = Time.GetElapsedTime(_lastHeard);
            if (_writeStarted != 0 && Time.GetElapsedTime(_writeStarted) >= options.StallTimeout)
            {
                end = $"slow consumer: the response took no write for {options.StallTimeout.TotalSeconds:0} s";
            }
            else if (_request is null && Time.GetElapsedTime(_idleSince) >= options.StallTimeout)
            {
                end = $"no {RequestNoun} for {options.StallTimeout.TotalSeconds:0} s";
            }
            else if (unheard >= deadPeer)
            {
                end = $"dead peer: nothing heard from the client for {deadPeer.TotalSeconds:0} s";
            }
            else
            {
                // Deadlines that a new request or write can bring forward are checked at least once per interval.
                next = Min(next, deadPeer - unheard);
                if (_request is null)
                {
                    next = Min(next, options.StallTimeout - Time.GetElapsedTime(_idleSince));
                }

                if (Heartbeat > TimeSpan.Zero)
                {
                    var idle = Time.GetElapsedTime(_lastWrite);
                    heartbeat = _request is not null && _writeStarted == 0 && idle >= Heartbeat;
                    next = Min(next, heartbeat || _request is null || _writeStarted != 0 ? Heartbeat : Heartbeat - idle);
                }
            }
        }

        if (end is not null)
        {
            Abort(end);
            return TimeSpan.MaxValue;
        }

        if (heartbeat)
        {
            Client.EnqueueHeartbeat(_heartbeatPayload);
            Signal();
        }

        return next;
    }

    /// <summary>Ends the transport: the request in progress completes (an empty poll, the end of the stream).</summary>
    public void Close(string reason) => End(reason, cut: false);

    /// <summary>Ends the transport; a write in progress (stuck) is cut by aborting the connection.</summary>
    public void Abort(string reason) => End(reason, cut: true);

    private void End(string reason, bool cut)
    {
        bool idle;
        lock (_gate)
        {
            if (_endReason is not null)
            {
                return;
            }

            _endReason = reason;
            idle = _request is null;
            if (cut && _writeStarted != 0)
            {
                // Still in progress: the request clears _request under this lock before it completes.
                _request?.Abort();
            }
        }

        if (idle)
        {
            Finish();
        }
        else
        {
            Signal();
        }
    }

    private void EndRequest(HttpContext http, string? lost)
    {
        bool finish;
        lock (_gate)
        {
            if (_request == http)
            {
                _request = null;
                _writeStarted = 0;
                _idleSince = Time.GetTimestamp();
            }

            _endReason ??= lost;
            finish = _endReason is not null && _request is null;
        }

        if (finish)
        {
            Finish();
        }
    }

    private void Finish()
    {
        string reason;
        long messagesSent;
        lock (_gate)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            reason = _endReason!;
            messagesSent = _messagesSent;
        }

        if (Client.Detach(this))
        {
            reason += ", client retained for its reconnect";
        }

        var seconds = Time.GetElapsedTime(_opened).TotalSeconds;
        LogClosed(_logger, Client.Number, Client.TrackingId, Name, reason, seconds, messagesSent);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 3312, Level = LogLevel.Information,
        Message = "Connection {ClientNumber} closed: tracking id {TrackingId}, {Transport}, {Reason}, after {DurationSeconds:0.0} s and {MessagesSent} messages")]
    private static partial void LogClosed(ILogger logger, long clientNumber, string trackingId, string transport, string reason, double durationSeconds,
        long messagesSent);
}

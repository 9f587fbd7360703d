using System.IO.Pipelines;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// A client reached over HTTP (<see cref="LongPollingTransport"/>, <see cref="StreamingTransport"/>). One object
/// serves a run of requests with one tracking id (the polls of a long-polling client; a stream and the next
/// one) and stays attached to the client between them, so a normal gap between requests is not a drop. Each
/// request is its own async flow, waiting on a <see cref="WakeSignal"/> while there is nothing to write (no
/// thread held). It ends, the client retained, when a request fails or one of its <see cref="TransportDeadlines"/> passes.
/// </summary>
internal abstract class HttpTransport : IClientTransport
{
    private readonly Lock _gate = new();
    private readonly long _opened;
    private readonly Payload _heartbeat = new(AtmosphereFraming.Heartbeat(trackMessageSize: false), PayloadKind.Heartbeat);
    private HttpContext? _request;
    private readonly WakeSignal _wake = new();
    private long _idleSince;
    private Disconnect? _endReason;
    private bool _finished;
    private long _messagesSent;

    protected HttpTransport(HttpContext request, AtmosphereClient client, AtmosphereParameters parameters, TransportServices services)
    {
        Client = client;
        Services = services;
        _request = request;
        TrackMessageSize = parameters.TrackMessageSize;
        var options = services.Options;
        Deadlines = new TransportDeadlines(services.Time, TransportDeadlines.HeartbeatFor(options.ServerHeartbeat, parameters.HeartbeatServerSeconds),
            options.StallTimeout, services.UnconfirmedWindow);
        _opened = services.Time.GetTimestamp();
    }

    public abstract string Name { get; }

    public bool TrackMessageSize { get; }

    protected AtmosphereClient Client { get; }

    protected TransportServices Services { get; }

    protected TransportDeadlines Deadlines { get; }

    /// <summary>What the client sends to keep this transport going, for the log: "poll", "stream request".</summary>
    protected abstract string RequestNoun { get; }

    /// <summary>Takes <paramref name="request"/> as the next request of this transport; false when it is over, busy, or framed differently.</summary>
    public bool TryContinue(HttpContext request, AtmosphereParameters parameters)
    {
        lock (_gate)
        {
            if (_endReason is not null || _request is not null || parameters.TrackMessageSize != TrackMessageSize)
            {
                return false;
            }

            _request = request;
            _idleSince = 0;
            _wake.Reset();
            Deadlines.Restart();
            return true;
        }
    }

    /// <summary>The client sent something (a message or a heartbeat by POST): it is alive.</summary>
    public void Heard() => Deadlines.Heard();

    /// <summary>
    /// Serves the current request: <paramref name="first"/> (the handshake or whitespace), then, for a new
    /// transport (<paramref name="opening"/> names how it came), attaches it and resumes the client; then
    /// the transport's own loop, unless <paramref name="firstOnly"/>.
    /// </summary>
    public async Task RunAsync(HttpContext http, ReadOnlyMemory<byte> first, bool firstOnly, string? opening, bool resumed)
    {
        Disconnect? lost = null;
        using var onAborted = http.RequestAborted.UnsafeRegister(static state => ((HttpTransport)state!).Signal(), this);
        using var onStopping = Services.Stopping.UnsafeRegister(static state => ((HttpTransport)state!).Close(Disconnect.Shutdown), this);
        try
        {
            if (opening is not null)
            {
                ConnectionLog.Opened(Services, Client, Name, http, opening, TrackMessageSize);
            }

            // The handshake or the whitespace goes out before anything queued, and starts the response (Chromium
            // shows a page nothing of a response before its first body bytes).
            await WriteAsync(http, first, []);
            if (opening is not null)
            {
                if (!Client.Attach(this, out var lostSince))
                {
                    Close(Disconnect.AlreadyReleased);
                }
                else if (resumed)
                {
                    await Services.ResumeAsync(Client, lostSince, Services.Stopping);
                }
            }

            if (!firstOnly)
            {
                await ServeCoreAsync(http);
            }

            if (http.RequestAborted.IsCancellationRequested)
            {
                lost = Disconnect.ConnectionLost("the client went away");
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            lost = Disconnect.ConnectionLost(e.Message);
        }
        catch (Exception e)
        {
            // A fault of ours: this connection ends (cut, as its body may be half written), the client is kept.
            ConnectionLog.Failed(Services, Client, e);
            http.Abort();
            lost = Disconnect.InternalError(e);
        }

        EndRequest(http, lost);
    }

    /// <summary>Sends a heartbeat when one is due, and ends the transport when one of its deadlines passed.</summary>
    public TimeSpan OnTimer()
    {
        DeadlineCheck check;
        lock (_gate)
        {
            if (_endReason is not null)
            {
                return TimeSpan.MaxValue;
            }

            check = Deadlines.Check(canWrite: _request is not null && !Deadlines.Writing, _request is null ? _idleSince : null, "response", RequestNoun);
        }

        if (check.EndReason is { } end)
        {
            Abort(end);
        }
        else if (check.HeartbeatDue)
        {
            Client.EnqueueHeartbeat(_heartbeat);
            Signal();
        }

        return check.Next;
    }

    public void OnDataAvailable() => Signal();

    /// <summary>Ends the transport: the request in progress completes (an empty poll, the end of the stream).</summary>
    public void Close(Disconnect reason) => End(reason, cut: false);

    /// <summary>Ends the transport; a write in progress (stuck) is cut by aborting the connection.</summary>
    public void Abort(Disconnect reason) => End(reason, cut: true);

    /// <summary>The transport's loop for one request: returns when the request should complete.</summary>
    protected abstract Task ServeCoreAsync(HttpContext http);

    /// <summary>Whether <paramref name="http"/> is still the request to write to.</summary>
    protected bool IsCurrent(HttpContext http)
    {
        lock (_gate)
        {
            return _endReason is null && _request == http && !http.RequestAborted.IsCancellationRequested;
        }
    }

    protected bool TryTake(out Payload payload) => Client.TryTake(this, out payload);

    /// <summary>Waits until <see cref="Signal"/> (data, heartbeat, end, client gone); returns at once if it came already.</summary>
    protected Task WaitAsync() => _wake.WaitAsync();

    protected void Signal() => _wake.Set();

    /// <summary>Writes <paramref name="raw"/> and the payloads (framed for this connection) and flushes, timed for the stall check.</summary>
    protected async Task WriteAsync(HttpContext http, ReadOnlyMemory<byte> raw, IReadOnlyList<Payload> payloads)
    {
        var writer = http.Response.BodyWriter;
        Append(writer, raw.Span);
        foreach (var payload in payloads)
        {
            Append(writer, payload.For(TrackMessageSize).Span);
        }

        lock (_gate)
        {
            Deadlines.WriteStarted(); // under the lock: End reads it to decide whether a write must be cut
        }

        try
        {
            var result = await writer.FlushAsync(http.RequestAborted);
            if (result.IsCompleted || result.IsCanceled)
            {
                throw new IOException("the response was closed");
            }
        }
        finally
        {
            lock (_gate)
            {
                Deadlines.WriteEnded();
                _messagesSent += payloads.Count;
            }

            Services.Metrics.CountSent(payloads.Count);
        }
    }

    /// <summary>
    /// Copies <paramref name="bytes"/> into one contiguous buffer, so that it goes out as one HTTP chunk: a client
    /// without message length tracking takes each piece that arrives on its own for a message.
    /// </summary>
    private static void Append(PipeWriter writer, ReadOnlySpan<byte> bytes)
    {
        if (!bytes.IsEmpty)
        {
            bytes.CopyTo(writer.GetSpan(bytes.Length));
            writer.Advance(bytes.Length);
        }
    }

    private void End(Disconnect reason, bool cut)
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
            if (cut && Deadlines.Writing)
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

    private void EndRequest(HttpContext http, Disconnect? lost)
    {
        bool finish;
        lock (_gate)
        {
            if (_request == http)
            {
                _request = null;
                Deadlines.WriteEnded();
                _idleSince = Services.Time.GetTimestamp();
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
        Disconnect reason;
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

        ConnectionLog.Closed(Services, Client, Name, reason, retained: Client.Detach(this), _opened, messagesSent);
    }
}

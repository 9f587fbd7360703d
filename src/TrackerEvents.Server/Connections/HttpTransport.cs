using System.IO.Pipelines;
using TrackerEvents.Dispatch;
using TrackerEvents.Protocol;

namespace TrackerEvents.Connections;

/// <summary>
/// A client reached over HTTP: <see cref="LongPollingTransport"/> or <see cref="StreamingTransport"/>.
/// One object serves a run of requests with one tracking id (the polls of a long-polling client; a
/// stream and the next one after the server ended it) and stays attached to the client between them,
/// so a normal gap between requests is not a drop. Each request is served by its own async flow, which
/// waits on a signal while there is nothing to write: a held poll or an idle stream holds no thread.
/// The transport ends, and the client is retained for its reconnect, when a request fails, when no new
/// request comes for <see cref="AtmosphereOptions.StallTimeout"/>, when nothing is heard from the client
/// (request, message or heartbeat) for the dead-peer window, or when a write stalls.
/// </summary>
internal abstract partial class HttpTransport : IClientTransport
{
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly string _remote;
    private readonly long _opened;
    private readonly Payload _heartbeatPayload = new(AtmosphereFraming.Heartbeat(trackMessageSize: false), PayloadKind.Heartbeat);
    private HttpContext? _request;
    private TaskCompletionSource? _wake;
    private bool _signaled;
    private long _idleSince;
    private long _lastHeard;
    private long _lastWrite;
    private long _writeStarted;
    private string? _endReason;
    private bool _finished;
    private long _messagesSent;

    protected HttpTransport(HttpContext request, AtmosphereClient client, ClientRegistry registry, AtmosphereParameters parameters,
        ILogger logger, string remote)
    {
        Client = client;
        Registry = registry;
        _logger = logger;
        _remote = remote;
        _request = request;
        TrackMessageSize = parameters.TrackMessageSize;
        Heartbeat = WebSocketTransport.HeartbeatInterval(registry.Options.ServerHeartbeat, parameters.HeartbeatServerSeconds);
        _opened = _lastHeard = _lastWrite = registry.Time.GetTimestamp();
    }

    public abstract string Name { get; }

    public bool TrackMessageSize { get; }

    protected AtmosphereClient Client { get; }

    protected ClientRegistry Registry { get; }

    /// <summary>What the client sends to keep this transport going, for the log: "poll", "stream request".</summary>
    protected abstract string RequestNoun { get; }

    private TimeSpan Heartbeat { get; }

    private TimeProvider Time => Registry.Time;

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
            _signaled = false;
            _lastHeard = _lastWrite = Time.GetTimestamp();
            return true;
        }
    }

    /// <summary>The client sent something (a message or a heartbeat by POST): it is alive.</summary>
    public void Heard()
    {
        lock (_gate)
        {
            _lastHeard = Time.GetTimestamp();
        }
    }

    /// <summary>
    /// Serves the current request: <paramref name="first"/> (the handshake or whitespace), then, for a new
    /// transport (<paramref name="opening"/> names how it came), attaches it and resumes the client; then
    /// the transport's own loop, unless <paramref name="firstOnly"/>.
    /// </summary>
    public async Task RunAsync(HttpContext http, ReadOnlyMemory<byte> first, bool firstOnly, string? opening, bool resumed,
        ChangeDispatcher dispatcher, CancellationToken stopping)
    {
        string? lost = null;
        using var onAborted = http.RequestAborted.UnsafeRegister(static state => ((HttpTransport)state!).Signal(), this);
        using var onStopping = stopping.UnsafeRegister(static state => ((HttpTransport)state!).Close("server shutting down"), this);
        try
        {
            if (opening is not null)
            {
                LogOpened(_logger, Client.Number, Client.TrackingId, Name, _remote, opening, TrackMessageSize);
            }

            // The handshake or the whitespace goes out before anything queued, and starts the response (Chromium
            // shows a page nothing of a response before its first body bytes).
            await WriteAsync(http, first, []);
            if (opening is not null)
            {
                if (!Client.Attach(this, out var lostSince))
                {
                    Close("client already released");
                }
                else if (resumed)
                {
                    // As for a WebSocket: writes are unconfirmed for as long as a dead peer can go unnoticed.
                    var window = Registry.Options.ClientHeartbeat * Registry.Options.DeadPeerIntervals;
                    await dispatcher.ResumeAsync(Client, lostSince - (long)(window.TotalSeconds * Time.TimestampFrequency), stopping);
                }
            }

            if (!firstOnly)
            {
                await ServeCoreAsync(http);
            }

            if (http.RequestAborted.IsCancellationRequested)
            {
                lost = "connection lost: the client went away";
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            lost = "connection lost: " + e.Message;
        }
        catch (Exception e)
        {
            // A fault of ours: this connection ends (cut, as its body may be half written), the client is kept.
            LogFailed(_logger, Client.Number, Client.TrackingId, e);
            http.Abort();
            lost = "internal error: " + e.Message;
        }

        EndRequest(http, lost);
    }

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

    protected TimeSpan SinceLastWrite()
    {
        lock (_gate)
        {
            return Time.GetElapsedTime(_lastWrite);
        }
    }

    /// <summary>Waits until <see cref="Signal"/> (data, heartbeat, end, client gone); returns at once if it came already.</summary>
    protected Task WaitAsync()
    {
        lock (_gate)
        {
            if (_signaled)
            {
                _signaled = false;
                return Task.CompletedTask;
            }

            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _wake.Task;
        }
    }

    protected void Signal()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            wake = _wake;
            _wake = null;
            _signaled = wake is null;
        }

        wake?.TrySetResult();
    }

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
            _writeStarted = Time.GetTimestamp();
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
                _writeStarted = 0;
                _lastWrite = Time.GetTimestamp();
                _messagesSent += payloads.Count;
            }

            Registry.CountSent(payloads.Count);
        }
    }

    public void OnDataAvailable() => Signal();

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

    [LoggerMessage(EventId = 3311, Level = LogLevel.Information,
        Message = "Connection {ClientNumber} opened: tracking id {TrackingId}, {Transport} from {Remote}, {ConnectKind}, track message size {TrackMessageSize}")]
    private static partial void LogOpened(ILogger logger, long clientNumber, string trackingId, string transport, string remote, string connectKind,
        bool trackMessageSize);

    [LoggerMessage(EventId = 3313, Level = LogLevel.Error, Message = "Connection {ClientNumber} (tracking id {TrackingId}) failed")]
    private static partial void LogFailed(ILogger logger, long clientNumber, string trackingId, Exception exception);
}

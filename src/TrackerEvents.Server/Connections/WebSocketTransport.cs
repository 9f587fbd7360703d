using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using TrackerEvents.Api;
using TrackerEvents.Dispatch;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// A client reached over a WebSocket: one receive loop per socket (the request's own task), and a send
/// loop that runs on the thread pool only while the client's outbox has something. Heartbeats and the
/// stall check run on the client's timer.
/// </summary>
internal sealed partial class WebSocketTransport : IClientTransport
{
    private const int ReceiveChunk = 1024;
    private readonly WebSocket _socket;
    private readonly AtmosphereClient _client;
    private readonly ClientRegistry _registry;
    private readonly TimeSpan _heartbeat;
    private readonly Payload _heartbeatPayload;
    private readonly CancellationToken _stopping;
    private readonly Action _abortConnection;
    private long _lastWrite;
    private long _sendStarted;
    private int _sending;
    private Task _sendLoop = Task.CompletedTask;
    private string? _closeReason;
    private bool _closeSent;
    private string? _abortReason;
    private readonly Lock _requestGate = new();
    private bool _requestEnded;
    private long _messagesSent;

    private WebSocketTransport(WebSocket socket, AtmosphereClient client, ClientRegistry registry, AtmosphereParameters parameters,
        Action abortConnection, CancellationToken stopping)
    {
        _socket = socket;
        _abortConnection = abortConnection;
        _client = client;
        _registry = registry;
        _stopping = stopping;
        TrackMessageSize = parameters.TrackMessageSize;
        _heartbeat = HeartbeatInterval(registry.Options.ServerHeartbeat, parameters.HeartbeatServerSeconds);
        _heartbeatPayload = new Payload(AtmosphereFraming.Heartbeat(trackMessageSize: false), PayloadKind.Heartbeat);
        _lastWrite = registry.Time.GetTimestamp();
    }

    public string Name => "websocket";

    public bool TrackMessageSize { get; }

    /// <summary>
    /// The server heartbeat for this connection: the configured interval; <c>X-Heartbeat-Server: 0</c>
    /// turns it off, and a client asking for a longer one gets that (a shorter one is raised).
    /// </summary>
    public static TimeSpan HeartbeatInterval(TimeSpan configured, int? requestedSeconds) => requestedSeconds switch
    {
        0 => TimeSpan.Zero,
        { } seconds when TimeSpan.FromSeconds(seconds) > configured => TimeSpan.FromSeconds(seconds),
        _ => configured,
    };

    /// <summary>Serves one accepted WebSocket until it closes.</summary>
    /// <param name="abortConnection">Tears down the TCP connection (<see cref="HttpContext.Abort"/>): aborting the
    /// WebSocket alone does not end a write stuck on a peer that reads nothing.</param>
    public static async Task RunAsync(WebSocket socket, AtmosphereParameters parameters, ClientRegistry registry, ActionHandler actions,
        ChangeDispatcher dispatcher, ILogger logger, string remote, Action abortConnection, CancellationToken stopping)
    {
        var (client, resumed) = registry.Connect(parameters.TrackingId);
        var transport = new WebSocketTransport(socket, client, registry, parameters, abortConnection, stopping);
        var opened = registry.Time.GetTimestamp();
        LogOpened(logger, client.Number, client.TrackingId, remote, parameters.IsFirstConnect ? "first connect" : resumed ? "resumed" : "reconnect (new client)",
            parameters.TrackMessageSize);
        string reason;
        try
        {
            // The handshake (first connect) or the reopen padding (reconnect) goes out before anything queued.
            var first = parameters.IsFirstConnect
                ? parameters.Protocol ? AtmosphereFraming.Handshake(client.TrackingId, (int)registry.Options.ClientHeartbeat.TotalMilliseconds, parameters.TrackMessageSize) : null
                : AtmosphereFraming.ReopenPadding;
            if (first is not null)
            {
                await socket.SendAsync(first, WebSocketMessageType.Text, endOfMessage: true, stopping);
                transport._lastWrite = registry.Time.GetTimestamp();
            }

            if (client.Attach(transport, out var lostSince))
            {
                if (resumed)
                {
                    // Writes are unconfirmed for as long as a dead peer can go unnoticed: send those states again.
                    var window = registry.Options.ClientHeartbeat * registry.Options.DeadPeerIntervals;
                    await dispatcher.ResumeAsync(client, lostSince - (long)(window.TotalSeconds * registry.Time.TimestampFrequency), stopping);
                }

                reason = await transport.ReceiveLoopAsync(actions);
            }
            else
            {
                reason = "client already released";
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            reason = transport._abortReason ?? transport._closeReason ?? "connection lost: " + e.Message;
        }
        catch (Exception e)
        {
            // A fault of ours: this connection ends, its client is kept for the reconnect, the server carries on.
            LogFailed(logger, client.Number, client.TrackingId, e);
            transport.Abort("internal error: " + e.Message);
            reason = "internal error: " + e.Message;
        }

        if (client.Detach(transport))
        {
            reason += ", client retained for its reconnect";
        }

        await transport.FinishAsync();
        lock (transport._requestGate)
        {
            transport._requestEnded = true; // from here on the request's HttpContext may be disposed (or reused)
        }

        var seconds = registry.Time.GetElapsedTime(opened).TotalSeconds;
        LogClosed(logger, client.Number, client.TrackingId, reason, seconds, transport._messagesSent);
    }

    private async Task<string> ReceiveLoopAsync(ActionHandler actions)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ReceiveChunk);
        var message = new ArrayBufferWriter<byte>(ReceiveChunk);
        var oversized = false;
        var max = _registry.Options.MaxMessageBytes;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(chunk.AsMemory(), _stopping);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return _closeReason ?? $"client closed ({(int?)_socket.CloseStatus ?? 1005} {_socket.CloseStatusDescription})".TrimEnd();
                }

                if (message.WrittenCount + result.Count > max)
                {
                    oversized = true;
                }
                else
                {
                    message.Write(chunk.AsSpan(0, result.Count));
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (oversized)
                {
                    _client.Send(EventFrames.Error("null", ApiError.TooLarge, w => w.WriteString("reason", $"messages are limited to {max} bytes")));
                }
                else if (result.MessageType == WebSocketMessageType.Binary)
                {
                    _client.Send(EventFrames.Error("null", ApiError.WrongFormat, w => w.WriteString("reason", "binary messages are not understood: send JSON text")));
                }
                else if (AtmosphereFraming.Classify(Encoding.UTF8.GetString(message.WrittenSpan), out var text) == InboundKind.Message)
                {
                    await actions.HandleAsync(_client, text, _stopping);
                }

                message.ResetWrittenCount();
                oversized = false;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public TimeSpan OnTimer()
    {
        var options = _registry.Options;
        var started = _sendStarted;
        if (started != 0 && _registry.Time.GetElapsedTime(started) >= options.StallTimeout)
        {
            Abort($"slow consumer: the socket took no write for {options.StallTimeout.TotalSeconds:0} s");
            return TimeSpan.MaxValue;
        }

        var next = options.StallTimeout;
        if (_heartbeat > TimeSpan.Zero)
        {
            var idle = _registry.Time.GetElapsedTime(_lastWrite);
            if (idle >= _heartbeat)
            {
                if (Volatile.Read(ref _sending) == 0)
                {
                    _client.EnqueueHeartbeat(_heartbeatPayload);
                }

                next = _heartbeat < next ? _heartbeat : next;
            }
            else if (_heartbeat - idle < next)
            {
                next = _heartbeat - idle;
            }
        }

        return next;
    }

    public void Close(string reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null)
        {
            OnDataAvailable();
        }
    }

    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _abortReason, reason, null);

        // Only while the request runs: aborting the socket lets it finish, and its HttpContext must not be
        // touched after that (an abort racing with the end of the request threw ObjectDisposedException).
        lock (_requestGate)
        {
            if (!_requestEnded)
            {
                _abortConnection();
                _socket.Abort();
            }
        }
    }

    private async Task FinishAsync()
    {
        try
        {
            await _sendLoop.WaitAsync(TimeSpan.FromSeconds(5));

            if (_socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _stopping);
            }
        }
        catch (TimeoutException)
        {
            Abort("a write did not finish after the connection ended");
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // the peer is gone; nothing left to say to it
        }
    }

    [LoggerMessage(EventId = 3304, Level = LogLevel.Error, Message = "Connection {ClientNumber} (tracking id {TrackingId}) failed")]
    private static partial void LogFailed(ILogger logger, long clientNumber, string trackingId, Exception exception);

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information,
        Message = "Connection {ClientNumber} opened: tracking id {TrackingId}, websocket from {Remote}, {ConnectKind}, track message size {TrackMessageSize}")]
    private static partial void LogOpened(ILogger logger, long clientNumber, string trackingId, string remote, string connectKind, bool trackMessageSize);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information,
        Message = "Connection {ClientNumber} closed: tracking id {TrackingId}, {Reason}, after {DurationSeconds:0.0} s and {MessagesSent} messages")]
    private static partial void LogClosed(ILogger logger, long clientNumber, string trackingId, string reason, double durationSeconds, long messagesSent);
}

using System.Net.WebSockets;
using TrackerEvents.Auth;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>
/// A client reached over a WebSocket: one receive loop per socket (the request's own task, in
/// <see cref="WebSocketReader"/>), and a send loop that runs on the thread pool only while the client's
/// outbox has something. Heartbeats and the stall check run on the client's timer.
/// </summary>
internal sealed class WebSocketTransport : IClientTransport, IThreadPoolWorkItem
{
    /// <summary>Messages longer than this go out in fragments of this size.</summary>
    internal const int FragmentSize = 64 * 1024;

    private readonly WebSocket _socket;
    private readonly AtmosphereClient _client;
    private readonly TransportServices _services;
    private readonly TransportDeadlines _deadlines;
    private readonly Payload _heartbeat = new(AtmosphereFraming.Heartbeat(trackMessageSize: false), PayloadKind.Heartbeat);
    private readonly Action _abortConnection;
    private readonly Lock _requestGate = new();
    private int _sending;
    private readonly Lock _loopGate = new();
    private long _loopsStarted; // written only by the holder of _sending, so numbered in the order they start
    private long _loopShown; // the number of the loop in _sendLoop (under _loopGate)
    private Task _sendLoop = Task.CompletedTask;
    private Disconnect? _closeReason;
    private bool _closeSent;
    private Disconnect? _abortReason;
    private bool _requestEnded;
    private long _messagesSent;

    private WebSocketTransport(WebSocket socket, AtmosphereClient client, AtmosphereParameters parameters, TransportServices services, Action abortConnection)
    {
        _socket = socket;
        _client = client;
        _services = services;
        _abortConnection = abortConnection;
        TrackMessageSize = parameters.TrackMessageSize;
        var options = services.Options;
        _deadlines = new TransportDeadlines(services.Time, TransportDeadlines.HeartbeatFor(options.ServerHeartbeat, parameters.HeartbeatServerSeconds),
            options.StallTimeout, deadPeer: TimeSpan.Zero); // the WebSocket's keep-alive pings find dead peers
    }

    public string Name => AtmosphereTransports.WebSocket;

    public bool TrackMessageSize { get; }

    /// <summary>Serves one accepted WebSocket until it closes.</summary>
    /// <param name="http">The upgraded request; <see cref="HttpContext.Abort"/> tears down the TCP connection, which aborting the
    /// WebSocket alone does not do for a write stuck on a peer that reads nothing.</param>
    public static async Task ServeAsync(WebSocket socket, HttpContext http, AtmosphereParameters parameters, ClientRegistry registry,
        TransportServices services)
    {
        var (client, resumed) = registry.Connect(parameters.TrackingId, ClientAddress.Of(http));
        var transport = new WebSocketTransport(socket, client, parameters, services, http.Abort);
        var opened = services.Time.GetTimestamp();
        ConnectionLog.Opened(services, client, transport.Name, http, parameters.IsFirstConnect ? "first connect" : resumed ? "resumed" : "reconnect (new client)",
            parameters.TrackMessageSize);
        Disconnect reason;
        try
        {
            // The handshake (first connect) or the reopen frame (reconnect) goes out before anything queued.
            var first = parameters.IsFirstConnect
                ? parameters.Protocol
                    ? AtmosphereFraming.Handshake(client.TrackingId, (int)services.Options.ClientHeartbeat.TotalMilliseconds, parameters.TrackMessageSize)
                    : null
                : AtmosphereFraming.Reopen(parameters.TrackMessageSize);
            if (first is not null)
            {
                await socket.SendAsync(first, WebSocketMessageType.Text, endOfMessage: true, services.Stopped);
                transport._deadlines.WriteEnded();
            }

            if (client.Attach(transport, out var lostSince))
            {
                if (resumed)
                {
                    await services.ResumeAsync(client, lostSince, services.Stopped);
                }

                var closed = await new WebSocketReader(socket, client, services).RunAsync();
                reason = transport._closeReason ?? closed;
            }
            else
            {
                reason = Disconnect.AlreadyReleased;
            }
        }
        catch (WebSocketException e) when (e.WebSocketErrorCode is not (WebSocketError.ConnectionClosedPrematurely or WebSocketError.InvalidState))
        {
            reason = transport._abortReason ?? transport._closeReason ?? Disconnect.ProtocolError(e.Message);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            reason = transport._abortReason ?? transport._closeReason ?? Disconnect.ConnectionLost(e.Message);
        }
        catch (Exception e)
        {
            // A fault of ours: this connection ends, its client is kept for the reconnect, the server carries on.
            ConnectionLog.Failed(services, client, e);
            reason = Disconnect.InternalError(e);
            transport.Abort(reason);
        }

        var retained = client.Detach(transport);
        await transport.FinishAsync();
        lock (transport._requestGate)
        {
            transport._requestEnded = true; // from here on the request's HttpContext may be disposed (or reused)
        }

        ConnectionLog.Closed(services, client, transport.Name, reason, retained, opened, transport._messagesSent);
    }

    public TimeSpan OnTimer()
    {
        var check = _deadlines.Check(canWrite: Volatile.Read(ref _sending) == 0, awaitingRequestSince: null, "socket", "");
        if (check.EndReason is { } end)
        {
            Abort(end);
        }
        else if (check.HeartbeatDue)
        {
            _client.EnqueueHeartbeat(_heartbeat);
        }

        return check.Next;
    }

    public void OnDataAvailable()
    {
        if (Interlocked.Exchange(ref _sending, 1) == 0)
        {
            // The transport is its own work item (queued at most once at a time, under _sending): a delegate and
            // its state were one allocation per message per socket, 40 % of what broadcast allocated.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>
    /// Runs the send loop on the caller's thread until a write has to wait (the connection's output pipe is full) or
    /// the outbox is empty; a loop already running is left to itself. A wide run's work items call this for each
    /// socket of their share (<see cref="Dispatch.StateRun"/>).
    /// </summary>
    public void WriteNow()
    {
        if (Interlocked.Exchange(ref _sending, 1) == 0)
        {
            StartSendLoop();
        }
    }

    /// <summary>Starts the send loop on the thread pool (<see cref="OnDataAvailable"/>).</summary>
    void IThreadPoolWorkItem.Execute() => StartSendLoop();

    /// <summary>
    /// Runs the send loop (the caller holds <c>_sending</c>) and shows it to <see cref="FinishAsync"/>. A loop can end,
    /// and give up <c>_sending</c> to a newer one, before its starter has stored it: only a newer loop replaces the one
    /// shown, so that a finished loop stored late cannot hide one still writing.
    /// </summary>
    private void StartSendLoop()
    {
        var number = ++_loopsStarted;
        var loop = SendLoopAsync();
        lock (_loopGate)
        {
            if (number > _loopShown)
            {
                (_loopShown, _sendLoop) = (number, loop);
            }
        }
    }

    public void Close(Disconnect reason)
    {
        if (Interlocked.CompareExchange(ref _closeReason, reason, null) is null)
        {
            OnDataAvailable();
        }
    }

    public void Abort(Disconnect reason)
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

    /// <summary>
    /// One message: in one frame, or past <see cref="FragmentSize"/> in fragments of that size (continuation
    /// frames, which every WebSocket client joins into one message). The socket copies what it is given into
    /// its buffers and into the connection's output pipe before it waits for the network, so a 3.8 MB
    /// <c>state_batch</c> frame shared by 50 connections was copied 50 times at once and held ~300 MB of
    /// Kestrel's buffer pool; in fragments each connection holds at most a fragment or two.
    /// A message of one frame is the socket's own send, with no async method of ours around it (one per frame was
    /// 1.4 % of broadcast's CPU, docs/performance.md). Sent without a cancellation token: the socket takes a slower
    /// path for a token that can be cancelled (it registers with it for every frame), and a write that never ends is
    /// ended by aborting the connection (<see cref="Abort"/>: the stall check, a replacing connection, the server's
    /// shutdown).
    /// </summary>
    private ValueTask SendMessageAsync(ReadOnlyMemory<byte> message) =>
        message.Length <= FragmentSize
            ? _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)
            : SendFragmentsAsync(message);

    private async ValueTask SendFragmentsAsync(ReadOnlyMemory<byte> message)
    {
        while (message.Length > FragmentSize)
        {
            await _socket.SendAsync(message[..FragmentSize], WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
            message = message[FragmentSize..];
        }

        await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
    }

    /// <summary>The send side: runs only while the client's outbox holds something for this socket.</summary>
    private async Task SendLoopAsync()
    {
        try
        {
            while (true)
            {
                while (_closeReason is null && _client.TryTake(this, out var payload))
                {
                    _deadlines.WriteStarted();
                    await SendMessageAsync(payload.For(TrackMessageSize));
                    var ended = _deadlines.WriteEnded();
                    _services.Timings.DispatchToWrite.ObserveBetween(payload.DispatchedAt, ended);
                    _messagesSent++;
                    _services.Metrics.CountSent(1);
                }

                if (_closeReason is { } reason && !_closeSent)
                {
                    _closeSent = true;
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, reason.Text, _services.Stopped);
                }

                Volatile.Write(ref _sending, 0);
                // HasPendingFor, not "the outbox is not empty": after a drop the retained client keeps
                // collecting states that TryTake no longer hands to this transport, and this loop spun on
                // them at full speed (one thread per dropped slow consumer) until the retention ended.
                var more = _closeReason is null ? _client.HasPendingFor(this) : !_closeSent;
                if (!more || Interlocked.Exchange(ref _sending, 1) == 1)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _deadlines.WriteEnded();
            Abort(Disconnect.SendFailed(e.Message));
        }
    }

    private async Task FinishAsync()
    {
        try
        {
            Task loop;
            lock (_loopGate)
            {
                loop = _sendLoop;
            }

            await loop.WaitAsync(TimeSpan.FromSeconds(5));

            if (_socket.State == WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, _services.Stopped);
            }
        }
        catch (TimeoutException)
        {
            Abort(Disconnect.StuckWrite);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // the peer is gone; nothing left to say to it
        }
    }
}

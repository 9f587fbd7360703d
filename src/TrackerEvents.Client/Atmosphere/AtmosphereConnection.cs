using Microsoft.Extensions.Logging;

namespace TrackerEvents.Client.Atmosphere;

/// <summary>
/// One client of the Atmosphere protocol, kept connected: first connect with the handshake, then reconnects
/// with the same tracking id after exponential backoff with jitter; long-polling when the WebSocket is refused;
/// the client heartbeat at the interval the handshake gives; a connection on which nothing arrives for
/// <see cref="TrackerEventsClientOptions.DeadPeerTimeout"/> is taken as dead. Messages (heartbeats and padding
/// left out) go to <c>onMessage</c>; <c>onOpened</c> runs on every open (true for a reconnect).
/// </summary>
internal sealed class AtmosphereConnection(
    TrackerEventsClientOptions options, HttpClient http, ILogger logger,
    Action<byte[]> onMessage, Action<bool> onOpened, Action<ConnectionChange> onChange) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private TaskCompletionSource<IAtmosphereTransport> _connected = NewConnected();
    private Task _running = Task.CompletedTask;
    private string _padding = Handshake.DefaultPadding;
    private TimeSpan _heartbeat;
    private bool _longPolling = options.LongPollingOnly;
    private string _trackingPrefix = "";

    public string? TrackingId { get; private set; }

    public string Transport => _longPolling ? AtmosphereUrls.LongPolling : AtmosphereUrls.WebSocket;

    public void Start() => _running = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Sends once connected; throws when the connection breaks under the send.</summary>
    public async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        Task<IAtmosphereTransport> connected;
        lock (_gate)
        {
            connected = _connected.Task;
        }

        var transport = await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
        await transport.SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var attempt = 0;
        var opened = false;
        while (!stop.IsCancellationRequested)
        {
            IAtmosphereTransport transport = _longPolling
                ? new LongPollingTransport(options.SubscriptionUrl, http, options.TimeProvider)
                : new WebSocketTransport(options.SubscriptionUrl, options.TimeProvider);
            Exception? failure = null;
            try
            {
                await OpenAsync(transport, stop).ConfigureAwait(false);
                attempt = 0;
                onChange(new ConnectionChange(opened ? ConnectionState.Reconnected : ConnectionState.Connected, transport.Name, 0, null, null));
                if (opened)
                {
                    ClientLog.Reconnected(logger, transport.Name, _trackingPrefix);
                }
                else
                {
                    ClientLog.Connected(logger, transport.Name, _trackingPrefix);
                }

                onOpened(opened);
                opened = true;
                await PumpAsync(transport, stop).ConfigureAwait(false);
            }
            catch (TransportRefusedException e) when (!_longPolling && options.LongPollingFallback && !stop.IsCancellationRequested)
            {
                ClientLog.FellBack(logger, e.Status);
                _longPolling = true;
                onChange(new ConnectionChange(ConnectionState.FellBack, AtmosphereUrls.LongPolling, 0, null, e));
                continue;
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                failure = e;
            }
            catch (OperationCanceledException)
            {
                // stopping
            }
            finally
            {
                lock (_gate)
                {
                    if (_connected.Task.IsCompleted)
                    {
                        _connected = NewConnected();
                    }
                }

                await transport.DisposeAsync().ConfigureAwait(false);
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            var delay = options.Reconnect.DelayFor(attempt++, Random.Shared.NextDouble());
            ClientLog.Disconnected(logger, transport.Name, delay, attempt, failure);
            onChange(new ConnectionChange(ConnectionState.Disconnected, transport.Name, attempt, delay, failure));
            try
            {
                await Task.Delay(delay, options.TimeProvider, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task OpenAsync(IAtmosphereTransport transport, CancellationToken stop)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(options.ActionTimeout);
        if (await transport.OpenAsync(TrackingId, timeout.Token).ConfigureAwait(false) is { } handshake)
        {
            TrackingId = handshake.TrackingId;
            _trackingPrefix = handshake.TrackingId[..Math.Min(8, handshake.TrackingId.Length)];
            _heartbeat = handshake.HeartbeatInterval;
            _padding = handshake.Padding;
        }

        lock (_gate)
        {
            _connected.TrySetResult(transport);
        }
    }

    /// <summary>Reads until the server closes, the connection fails, or nothing arrives for the dead-peer timeout.</summary>
    private async Task PumpAsync(IAtmosphereTransport transport, CancellationToken stop)
    {
        using var silence = new CancellationTokenSource(options.DeadPeerTimeout, options.TimeProvider);
        using var receiving = CancellationTokenSource.CreateLinkedTokenSource(stop, silence.Token);
        var heartbeats = _heartbeat > TimeSpan.Zero ? HeartbeatAsync(transport, receiving.Token) : Task.CompletedTask;
        try
        {
            while (true)
            {
                byte[]? message;
                try
                {
                    message = await transport.ReceiveAsync(receiving.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (silence.IsCancellationRequested && !stop.IsCancellationRequested)
                {
                    throw new TimeoutException($"Nothing arrived for {options.DeadPeerTimeout.TotalSeconds:0.#} s: the connection is taken as dead");
                }

                if (message is null)
                {
                    throw new IOException("The server closed the connection");
                }

                silence.CancelAfter(options.DeadPeerTimeout);
                if (!AtmosphereMessages.IsHeartbeatOrBlank(message, _padding))
                {
                    onMessage(message);
                }
            }
        }
        finally
        {
            await receiving.CancelAsync().ConfigureAwait(false);
            await heartbeats.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task HeartbeatAsync(IAtmosphereTransport transport, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_heartbeat, options.TimeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            await transport.SendAsync(_padding, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops, and sends the close request so that the server forgets the client at once.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _running.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (TrackingId is { } trackingId)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                using var response = await http.GetAsync(AtmosphereUrls.Close(options.SubscriptionUrl, trackingId), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or ObjectDisposedException)
            {
                // The server forgets the client after its retention anyway.
                ClientLog.CloseFailed(logger, e);
            }
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource<IAtmosphereTransport> NewConnected() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// A raw WebSocket client that speaks the Atmosphere protocol the way atmosphere.js does on the wire:
/// it builds the same query string, and hands the test every frame exactly as it arrived.
/// </summary>
internal sealed class AtmosphereSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Channel<Frame> _frames = Channel.CreateUnbounded<Frame>();
    private readonly Task _reader;

    private AtmosphereSocket(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadAsync);
    }

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>The tracking id the handshake gave (first connect), or the one reconnected with.</summary>
    public string? TrackingId { get; private set; }

    public bool TrackMessageSize { get; private set; }

    public static Task<AtmosphereSocket> ConnectAsync(RunningServer server, string? trackingId = null, bool trackMessageSize = false,
        bool protocol = true, string path = "/v2/event/subscription", string? extraQuery = null, Action<ClientWebSocketOptions>? configure = null) =>
        ConnectAsync(server.BaseAddress, trackingId, trackMessageSize, protocol, path, extraQuery, configure);

    public static async Task<AtmosphereSocket> ConnectAsync(Uri baseAddress, string? trackingId = null, bool trackMessageSize = false,
        bool protocol = true, string path = "/v2/event/subscription", string? extraQuery = null, Action<ClientWebSocketOptions>? configure = null)
    {
        var query = $"X-Atmosphere-tracking-id={trackingId ?? "0"}&X-Atmosphere-Framework=2.3.3-javascript&X-Atmosphere-Transport=websocket"
            + (trackMessageSize ? "&X-Atmosphere-TrackMessageSize=true" : "") + "&Content-Type=application/json" + (protocol ? "&X-atmo-protocol=true" : "")
            + (extraQuery is null ? "" : "&" + extraQuery);
        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = path, Query = query }.Uri;
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, timeout.Token);
        return new AtmosphereSocket(socket) { TrackingId = trackingId, TrackMessageSize = trackMessageSize };
    }

    /// <summary>Reads the handshake frame and remembers the tracking id; returns the raw frame.</summary>
    public async Task<string> ReadHandshakeAsync()
    {
        var frame = await NextFrameAsync();
        var text = frame.Text;
        var body = TrackMessageSize ? text[(text.IndexOf('|') + 1)..] : text;
        TrackingId = body.Split('|')[0];
        return text;
    }

    /// <summary>The next frame, whatever it is.</summary>
    public async Task<Frame> NextFrameAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _frames.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No frame within {(timeout ?? TimeSpan.FromSeconds(10)).TotalSeconds} s.");
        }
        catch (ChannelClosedException)
        {
            throw new WebSocketException($"The socket closed ({_socket.CloseStatus}) before a frame came.");
        }
    }

    /// <summary>The next JSON message (skipping heartbeats and padding), parsed, with the length prefix checked when tracking message size.</summary>
    public async Task<JsonElement> NextMessageAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var frame = await NextFrameAsync(timeout);
            var text = frame.Text;
            if (string.IsNullOrWhiteSpace(text) || text is "X" or "1|X")
            {
                continue;
            }

            if (TrackMessageSize)
            {
                var bar = text.IndexOf('|');
                var length = int.Parse(text[..bar]);
                text = text[(bar + 1)..];
                text.Length.Should().Be(length, "the length prefix counts UTF-16 code units of the one message in the frame");
            }

            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
    }

    /// <summary>Skips messages until one matches; fails on timeout.</summary>
    public async Task<JsonElement> NextMessageAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var message = await NextMessageAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (match(message))
            {
                return message;
            }
        }
    }

    public Task<JsonElement> NextEventAsync(string eventName, TimeSpan? timeout = null) =>
        NextMessageAsync(m => m.GetProperty("type").GetString() == "event" && m.GetProperty("event").GetString() == eventName, timeout);

    /// <summary>Asserts that no message (other than heartbeats) arrives within <paramref name="window"/>.</summary>
    public async Task ExpectSilenceAsync(TimeSpan window)
    {
        try
        {
            var message = await NextMessageAsync(window);
            throw new InvalidOperationException($"Expected no message, got {message}");
        }
        catch (TimeoutException)
        {
        }
    }

    public Task SendAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public Task SendJsonAsync(object message) => SendAsync(JsonSerializer.Serialize(message));

    public Task SendBinaryAsync(byte[] data) => _socket.SendAsync(data, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);

    /// <summary>Sends subscribe and returns the response message.</summary>
    public async Task<JsonElement> SubscribeAsync(string hash, params object[] requests)
    {
        await SendJsonAsync(new { action = "subscribe", hash, requests });
        return await NextMessageAsync(m => m.GetProperty("type").GetString() is "response" or "error");
    }

    /// <summary>Waits until the server closes the socket; returns its close status.</summary>
    public async Task<WebSocketCloseStatus?> WaitClosedAsync(TimeSpan timeout)
    {
        await _reader.WaitAsync(timeout);
        return _socket.CloseStatus;
    }

    public async Task CloseAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
    }

    /// <summary>Drops the TCP connection without a close handshake, as a lost network does.</summary>
    public void Abort() => _socket.Abort();

    private async Task ReadAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (result.EndOfMessage)
                {
                    await _frames.Writer.WriteAsync(new Frame(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length), result.MessageType));
                    message.SetLength(0);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await CloseAsync();
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }

        _socket.Abort();
        _socket.Dispose();
    }

    public readonly record struct Frame(string Text, WebSocketMessageType Type);
}

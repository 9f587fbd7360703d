using System.Buffers;
using System.Net.WebSockets;
using System.Text;

namespace TrackerEvents.Client.Atmosphere;

/// <summary>
/// The Atmosphere protocol over a WebSocket, as Navixy documents it: one message per text frame, no length
/// tracking; the handshake is the first frame of a first connect.
/// </summary>
internal sealed class WebSocketTransport(Uri endpoint, TimeProvider time) : IAtmosphereTransport
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

    public string Name => AtmosphereUrls.WebSocket;

    public async Task<Handshake?> OpenAsync(string? trackingId, CancellationToken cancellationToken)
    {
        _socket.Options.CollectHttpResponseDetails = true;
        _socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(30);
        try
        {
            await _socket.ConnectAsync(AtmosphereUrls.Open(endpoint, Name, trackingId, trackMessageSize: false, time), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (WebSocketException) when (_socket.HttpStatusCode is var status && status != 0 && (int)status != 101)
        {
            throw new TransportRefusedException(Name, (int)status);
        }

        if (trackingId is not null)
        {
            return null;
        }

        var first = await ReceiveAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new WebSocketException(WebSocketError.ConnectionClosedPrematurely, "The connection closed before the handshake");
        var text = Encoding.UTF8.GetString(first);
        return Handshake.TryParse(text, out var handshake)
            ? handshake
            : throw new WebSocketException(WebSocketError.InvalidMessageType, $"Expected the Atmosphere handshake, got: {Shorten(text)}");
    }

    public async ValueTask<byte[]?> ReceiveAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            if (length == _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
                _buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }

            var result = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            length += result.Count;
            if (result.EndOfMessage)
            {
                return _buffer.AsSpan(0, length).ToArray();
            }
        }
    }

    public async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(message);
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // the connection is going anyway
            }
        }

        _socket.Dispose();
        _sending.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;
}

using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// A WebSocket client written by hand over TCP, so that it can misbehave the way a vanished or stalled
/// peer does: it answers no ping and reads nothing unless told to.
/// </summary>
internal sealed class RawWebSocket : IDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;

    private RawWebSocket(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public static async Task<RawWebSocket> ConnectAsync(Uri baseAddress, string query, int receiveBufferBytes = 0)
    {
        var tcp = new TcpClient();
        if (receiveBufferBytes > 0)
        {
            tcp.ReceiveBufferSize = receiveBufferBytes;
        }

        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port);
        var socket = new RawWebSocket(tcp);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET /v2/event/subscription?{query} HTTP/1.1\r\nHost: {baseAddress.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await socket._stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await socket._stream.ReadAsync(one) == 0)
            {
                throw new IOException("closed during the upgrade");
            }

            head.Append((char)one[0]);
        }

        head.ToString().Should().StartWith("HTTP/1.1 101");
        return socket;
    }

    /// <summary>Sends one masked text frame, as a client must.</summary>
    public async Task SendTextAsync(string text)
    {
        await SendTextBytesAsync(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Sends one masked text frame of exactly these bytes (which need not be valid UTF-8).</summary>
    public async Task SendTextBytesAsync(byte[] payload)
    {
        var frame = new List<byte> { 0x81 };
        if (payload.Length < 126)
        {
            frame.Add((byte)(0x80 | payload.Length));
        }
        else
        {
            frame.Add(0x80 | 126);
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }

        var mask = RandomNumberGenerator.GetBytes(4);
        frame.AddRange(mask);
        frame.AddRange(payload.Select((b, i) => (byte)(b ^ mask[i % 4])));
        await _stream.WriteAsync(frame.ToArray());
    }

    /// <summary>Reads frames until the server's close frame; its status code (null: the connection ended without one).</summary>
    public async Task<int?> ReadCloseStatusAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var header = new byte[2];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header, cancel.Token);
                long length = header[1] & 0x7F;
                if (length >= 126)
                {
                    var extended = new byte[length == 126 ? 2 : 8];
                    await _stream.ReadExactlyAsync(extended, cancel.Token);
                    length = extended.Aggregate(0L, (n, b) => (n << 8) | b);
                }

                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload, cancel.Token);
                if ((header[0] & 0x0F) == 0x8)
                {
                    return payload.Length >= 2 ? (payload[0] << 8) | payload[1] : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Reads (and discards) until the server closes the connection; true if it did within the time.</summary>
    public async Task<bool> ServerClosesWithinAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[64 * 1024];
        try
        {
            while (await _stream.ReadAsync(buffer, cancel.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true; // reset by the server
        }
    }

    public void Dispose() => _tcp.Dispose();
}

using System.Net.Sockets;
using System.Text;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// One kept-alive HTTP/1.1 connection that sends requests byte for byte as given (as a phone app or a
/// gateway puts them on the wire, malformed ones included) and reads each answer.
/// </summary>
internal sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly NetworkStream _stream;
    private readonly MemoryStream _received = new();

    private RawHttp(TcpClient client)
    {
        _client = client;
        _stream = client.GetStream();
    }

    public static async Task<RawHttp> ConnectAsync(Uri address)
    {
        var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        return new RawHttp(client);
    }

    /// <summary>Connects, sends one request, reads its answer.</summary>
    public static async Task<RawAnswer> SendOnceAsync(Uri address, string request)
    {
        await using var http = await ConnectAsync(address);
        return await http.SendAsync(request);
    }

    /// <summary>Sends the request text as UTF-8 (write the line ends as CRLF), reads its answer.</summary>
    public Task<RawAnswer> SendAsync(string request) => SendAsync(Encoding.UTF8.GetBytes(request));

    public async Task<RawAnswer> SendAsync(byte[] request)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _stream.WriteAsync(request, timeout.Token);
        return await ReadAnswerAsync(timeout.Token);
    }

    /// <summary>Sends bytes without waiting for an answer: a request in pieces, or several requests at once.</summary>
    public async Task WriteAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>Reads the next answer (one the server already sent, or is about to).</summary>
    public async Task<RawAnswer> ReadAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        return await ReadAnswerAsync(timeout.Token);
    }

    /// <summary>True once the server has closed its side (after a Connection: close answer).</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            return await _stream.ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<RawAnswer> ReadAnswerAsync(CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        while (true)
        {
            var text = Encoding.Latin1.GetString(_received.GetBuffer(), 0, (int)_received.Length);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var head = text[..end].Split("\r\n");
                var headers = head.Skip(1).Select(h => h.Split(':', 2)).ToDictionary(h => h[0].Trim(), h => h[1].Trim(), StringComparer.OrdinalIgnoreCase);
                var length = headers.TryGetValue("Content-Length", out var l) ? int.Parse(l) : 0;
                if (_received.Length >= end + 4 + length)
                {
                    var body = Encoding.UTF8.GetString(_received.GetBuffer(), end + 4, length);
                    var rest = _received.GetBuffer()[(end + 4 + length)..(int)_received.Length];
                    _received.SetLength(0);
                    _received.Write(rest);
                    return new RawAnswer(int.Parse(head[0].Split(' ')[1]), headers, body);
                }
            }

            var read = await _stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                throw new IOException($"The server closed the connection before a whole answer came: {text}");
            }

            _received.Write(buffer, 0, read);
        }
    }
}

/// <summary>An HTTP answer as read off the wire.</summary>
internal sealed record RawAnswer(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>A streaming GET as atmosphere.js opens one: the response stays open and is read as it comes, message by message.</summary>
internal sealed class AtmosphereStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<string> _items = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _raw = new();
    private readonly AtmosphereTextParser _parser;
    private readonly Task _reader;

    private AtmosphereStream(HttpResponseMessage response, bool trackMessageSize, bool expectHandshake)
    {
        _response = response;
        _parser = new AtmosphereTextParser(trackMessageSize, expectHandshake);
        _reader = Task.Run(ReadAsync);
    }

    public HttpStatusCode Status => _response.StatusCode;

    public HttpResponseMessage Response => _response;

    public string? TrackingId { get; private set; }

    /// <summary>Everything received so far, as sent.</summary>
    public string Raw
    {
        get
        {
            lock (_raw)
            {
                return _raw.ToString();
            }
        }
    }

    /// <summary>Completes when the server ends the response (or the connection is lost).</summary>
    public Task Ended => _reader;

    public static async Task<AtmosphereStream> OpenAsync(HttpClient http, string? trackingId = null, bool trackMessageSize = false, string? extraQuery = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, AtmosphereHttp.Query("streaming", trackingId, trackMessageSize, extra: extraQuery));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new AtmosphereStream(response, trackMessageSize, expectHandshake: trackingId is null) { TrackingId = trackingId };
    }

    /// <summary>Reads the handshake (a first connect) and remembers the tracking id; returns it as sent.</summary>
    public async Task<string> ReadHandshakeAsync()
    {
        var handshake = await NextItemAsync();
        TrackingId = handshake.Split('|')[0];
        return handshake;
    }

    /// <summary>The next message of any kind (JSON, <c>X</c>, the handshake), without the length prefix.</summary>
    public async Task<string> NextItemAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            return await _items.Reader.ReadAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Nothing on the stream in time. So far: {Raw}");
        }
        catch (ChannelClosedException)
        {
            throw new IOException($"The stream ended. It carried: {Raw}");
        }
    }

    public async Task<JsonElement> NextMessageAsync(Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var item = await NextItemAsync(left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1));
            if (item != "X" && AtmosphereHttp.Parse(item) is var message && (match is null || match(message)))
            {
                return message;
            }
        }
    }

    public Task<JsonElement> NextEventAsync(string name, TimeSpan? timeout = null) =>
        NextMessageAsync(m => AtmosphereHttp.IsEvent(m, name), timeout);

    /// <summary>Asserts that no message other than heartbeats comes within <paramref name="window"/>.</summary>
    public async Task ExpectSilenceAsync(TimeSpan window)
    {
        try
        {
            var message = await NextMessageAsync(timeout: window);
            throw new InvalidOperationException($"Expected no message, got {message}");
        }
        catch (TimeoutException)
        {
        }
    }

    private async Task ReadAsync()
    {
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[16 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(bytes.Length)];
        try
        {
            await using var body = await _response.Content.ReadAsStreamAsync(_stop.Token);
            while (await body.ReadAsync(bytes, _stop.Token) is var read and > 0)
            {
                var text = new string(chars, 0, decoder.GetChars(bytes, 0, read, chars, 0));
                lock (_raw)
                {
                    _raw.Append(text);
                }

                foreach (var item in _parser.Feed(text))
                {
                    await _items.Writer.WriteAsync(item);
                }
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or HttpRequestException or ObjectDisposedException)
        {
        }
        finally
        {
            _items.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reader;
        _response.Dispose();
        _stop.Dispose();
    }
}

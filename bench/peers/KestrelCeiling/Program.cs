// The ceiling for this machine (bench/README.md, peer (a)): a bare Kestrel WebSocket server that sends one
// pre-serialised frame to every socket of a topic, in a plain loop. No protocol, no store, no per-client
// queue: what any server on Kestrel pays at least to deliver the same frames to the same sockets.
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using Bench.Peers;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentUpgradedConnections = 18_000);
var app = builder.Build();
app.UseWebSockets();

var all = new ConcurrentDictionary<WebSocket, byte>();
var topics = new ConcurrentDictionary<string, ConcurrentDictionary<WebSocket, byte>>();
var publishLock = new SemaphoreSlim(1, 1);

app.Map("/ws", async (HttpContext http) =>
{
    if (!http.WebSockets.IsWebSocketRequest)
    {
        http.Response.StatusCode = 400;
        return;
    }

    var names = PublishBody.Topics(http.Request);
    using var socket = await http.WebSockets.AcceptWebSocketAsync();
    all[socket] = 0;
    foreach (var name in names)
    {
        topics.GetOrAdd(name, _ => new())[socket] = 0;
    }

    var buffer = new byte[4096];
    try
    {
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, http.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                break;
            }
        }
    }
    catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
    {
        // the peer went away
    }
    finally
    {
        all.TryRemove(socket, out _);
        foreach (var name in names)
        {
            if (topics.TryGetValue(name, out var set))
            {
                set.TryRemove(socket, out _);
            }
        }
    }
});

// One publish at a time: a WebSocket allows one outstanding send, and the loop below awaits every
// send of a frame before the next frame, so sends never overlap on a socket.
app.MapPost("/publish", async (HttpContext http) =>
{
    var lines = await PublishBody.ReadAsync(http.Request);
    await publishLock.WaitAsync();
    try
    {
        var pending = new List<Task>();
        var sent = 0;
        foreach (var (topic, frame) in lines)
        {
            ReadOnlyMemory<byte> bytes = Encoding.UTF8.GetBytes(frame);
            IEnumerable<WebSocket> targets = topic == "*" ? all.Keys : topics.TryGetValue(topic, out var set) ? set.Keys : [];
            pending.Clear();
            foreach (var socket in targets)
            {
                var send = socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                if (!send.IsCompletedSuccessfully)
                {
                    pending.Add(send.AsTask());
                }

                sent++;
            }

            try
            {
                await Task.WhenAll(pending);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                // a socket closed under the send; the others got theirs
            }
        }

        await http.Response.WriteAsync("{\"sent\":" + sent + "}");
    }
    finally
    {
        publishLock.Release();
    }
});

app.MapGet("/health/live", () => "ok");
app.Run();

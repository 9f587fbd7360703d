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

// One publish at a time: a WebSocket allows one outstanding send, and every partition awaits the sends
// of a frame before its next frame, so sends never overlap on a socket. The sockets are split into one
// partition per core, each looped over by its own task, so the loop can use the whole machine.
#pragma warning disable ASP0016 // the analyzer takes the partition tasks (Task<int>) for the handler's result; the handler returns Task
app.MapPost("/publish", (RequestDelegate)(async http =>
{
    var lines = await PublishBody.ReadAsync(http.Request);
    var frames = lines.Select(l => (Targets: (l.Topic == "*" ? all.Keys : topics.TryGetValue(l.Topic, out var set) ? set.Keys : []).ToArray(),
        Bytes: (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(l.Frame))).ToList();
    await publishLock.WaitAsync();
    try
    {
        var partitions = Environment.ProcessorCount;
        var partitionTasks = new Task<int>[partitions];
        for (var p = 0; p < partitions; p++)
        {
            var partition = p;
            partitionTasks[p] = Task.Run(() => SendPartitionAsync(frames, partition, partitions));
        }

        var sent = await Task.WhenAll(partitionTasks);
        await http.Response.WriteAsync("{\"sent\":" + sent.Sum() + "}");
    }
    finally
    {
        publishLock.Release();
    }
}));
#pragma warning restore ASP0016

app.MapGet("/health/live", () => "ok");
app.Run();

// Sends every frame to the sockets of one partition (every partitions-th target), frame after frame.
static async Task<int> SendPartitionAsync(List<(WebSocket[] Targets, ReadOnlyMemory<byte> Bytes)> frames, int partition, int partitions)
{
    var pending = new List<Task>();
    var count = 0;
    foreach (var (targets, bytes) in frames)
    {
        pending.Clear();
        for (var i = partition; i < targets.Length; i += partitions)
        {
            var send = targets[i].SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            if (!send.IsCompletedSuccessfully)
            {
                pending.Add(send.AsTask());
            }

            count++;
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

    return count;
}

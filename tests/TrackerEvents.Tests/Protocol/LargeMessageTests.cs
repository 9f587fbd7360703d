using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Protocol;

/// <summary>
/// A message longer than 64 KB goes out as one WebSocket message in fragments of at most 64 KB, which the
/// client joins: the socket never holds a whole multi-megabyte batch per connection.
/// </summary>
public sealed class LargeMessageTests
{
    private const int Fragment = 64 * 1024;

    [Fact]
    public async Task ALargeStateBatch_ArrivesAsOneMessage_InFragmentsOfAtMost64KB()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("ann", password: null);
        var key = await server.CreateApiKeyAsync("ann");
        var trackers = Enumerable.Range(0, 600).Select(i => new { login = "ann", label = $"Trück {i}", device_id = RunningServer.NewDeviceId(), model = "m" });
        (await server.AdminAsync("/admin/trackers/bulk", new { trackers })).ShouldSucceed();

        using var socket = new ClientWebSocket();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await socket.ConnectAsync(new UriBuilder(server.BaseAddress)
        {
            Scheme = "ws", Path = "/v2/event/subscription",
            Query = "X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=websocket&X-atmo-protocol=true&Content-Type=application/json",
        }.Uri, timeout.Token);
        await ReceiveAsync(socket, timeout.Token); // the handshake
        var subscribe = JsonSerializer.Serialize(new { action = "subscribe", hash = key, requests = new[] { new { type = "state_batch", target = new { type = "all" } } } });
        await socket.SendAsync(Encoding.UTF8.GetBytes(subscribe), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);

        // The trackers' first states, committed by the bulk call, reach the stream in its snapshot or, those the
        // dispatcher routed first, in the next batch: the 600 come in one or two frames, at least one past 64 KB.
        var sources = new HashSet<long>();
        var largest = 0;
        while (sources.Count < 600)
        {
            var (text, fragments) = await ReceiveAsync(socket, timeout.Token);
            if (!text.Contains("\"event\":\"state_batch\"", StringComparison.Ordinal))
            {
                continue; // the response
            }

            using var batch = JsonDocument.Parse(text);
            sources.UnionWith(batch.RootElement.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("state").GetProperty("source_id").GetInt64()));
            var length = Encoding.UTF8.GetByteCount(text);
            largest = Math.Max(largest, length);
            if (length > Fragment)
            {
                fragments.Should().HaveCountGreaterThan(1).And.OnlyContain(size => size <= Fragment);
                fragments[..^1].Should().OnlyContain(size => size == Fragment, "every fragment but the last is full");
            }
            else
            {
                fragments.Should().ContainSingle("a message up to 64 KB is one frame");
            }
        }

        largest.Should().BeGreaterThan(Fragment);
    }

    /// <summary>One message, and the length of each frame it came in (a receive returns at most one frame's payload).</summary>
    private static async Task<(string Text, List<int> Fragments)> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 20];
        var message = new MemoryStream();
        var fragments = new List<int>();
        var frame = 0;
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, cancellationToken);
            message.Write(buffer, 0, result.Count);
            frame += result.Count;
            if (result.EndOfMessage || frame >= Fragment)
            {
                fragments.Add(frame);
                frame = 0;
            }

            if (result.EndOfMessage)
            {
                return (Encoding.UTF8.GetString(message.ToArray()), fragments);
            }
        }
    }
}

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

        while (true)
        {
            var (text, fragments) = await ReceiveAsync(socket, timeout.Token);
            if (!text.Contains("\"event\":\"state_batch\"", StringComparison.Ordinal))
            {
                continue; // the response
            }

            using var batch = JsonDocument.Parse(text);
            batch.RootElement.GetProperty("data").GetArrayLength().Should().Be(600);
            Encoding.UTF8.GetByteCount(text).Should().BeGreaterThan(Fragment);
            fragments.Should().HaveCountGreaterThan(1).And.OnlyContain(length => length <= Fragment);
            fragments[..^1].Should().OnlyContain(length => length == Fragment, "every fragment but the last is full");
            return;
        }
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

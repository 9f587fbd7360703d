using System.Net;
using System.Net.Sockets;
using System.Text;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Hardening;

/// <summary>What a caller without credentials can cost, and the edges of the wire.</summary>
public sealed class WireTests
{
    [Theory]
    [InlineData("/ingest/states")]
    [InlineData("/admin/trackers/bulk")]
    public async Task AWrongAdminKey_IsRefusedBeforeTheBodyIsRead(string path)
    {
        await using var server = await RunningServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        var stream = tcp.GetStream();

        // 15 MB announced, a few bytes sent: the answer must come without the rest.
        var head = $"POST {path} HTTP/1.1\r\nHost: x\r\nX-Api-Key: wrong-key-0123456789abcdef\r\nContent-Type: application/json\r\n"
            + "Content-Length: 15000000\r\n\r\n{\"states\":[";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var status = await reader.ReadLineAsync(timeout.Token);

        status.Should().StartWith("HTTP/1.1 403", "the key is checked before any of the body is read");
        var headers = new List<string>();
        while (await reader.ReadLineAsync(timeout.Token) is { Length: > 0 } line)
        {
            headers.Add(line);
        }

        headers.Should().Contain(h => h.Equals("Connection: close", StringComparison.OrdinalIgnoreCase), "the unread body cannot be followed by another request");
    }

    [Fact]
    public async Task InvalidUtf8InATextFrame_ClosesTheConnectionWith1007_AndOthersCarryOn()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var neighbour = await fleet.ConnectAsync();
        using var raw = await RawWebSocket.ConnectAsync(fleet.Server.BaseAddress,
            "X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=websocket&X-atmo-protocol=true");

        await raw.SendTextBytesAsync([0x7B, 0xC3, 0x28, 0x7D]); // "{", a broken two-byte sequence, "}"

        var status = await raw.ReadCloseStatusAsync(TimeSpan.FromSeconds(10));
        // .NET's WebSocket checks the UTF-8 itself: it sends the close frame, then drops the connection, and
        // now and then the drop overtakes the frame. Either way the connection ends (it never hangs) and is
        // logged as a protocol error.
        (status is null or 1007).Should().BeTrue($"the close status is 1007 (RFC 6455: invalid payload data), or missing; it was {status}");
        await Eventually.Until(() => Task.FromResult(Logs.Contain(fleet.Server, "protocol error")), TimeSpan.FromSeconds(5), "the reason in the log");
        await neighbour.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        await neighbour.NextEventAsync("state");
    }

    [Fact]
    public async Task EveryApiAnswer_SaysNoStore()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("cache");

        using var login = await server.Http.PostAsync("/v2/user/auth", JsonBody(new { login = "cache", password = "secret-password" }));
        using var wrong = await server.Http.PostAsync("/v2/user/auth", JsonBody(new { login = "cache", password = "nope" }));
        using var key = new HttpRequestMessage(HttpMethod.Post, "/admin/api_keys") { Content = JsonBody(new { login = "cache" }) };
        key.Headers.Add("X-Api-Key", RunningServer.AdminKey);
        using var created = await server.Http.SendAsync(key);

        foreach (var response in new[] { login, wrong, created })
        {
            response.Headers.CacheControl!.NoStore.Should().BeTrue();
        }
    }

    [Fact]
    public async Task ConcurrentWrongPasswords_AreAllCountedBeforeTheirCheck()
    {
        await using var server = await RunningServer.StartAsync("Auth:MaxFailedLoginsPerLogin=5", "Auth:LoginQueue=100", "Api:AddressRateLimit=1000");
        await server.CreateUserAsync("target");

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => server.CallAsync("user/auth", new { login = "target", password = "wrong" })));

        answers.Count(a => a.Code == 102).Should().BeLessThanOrEqualTo(5, "only five attempts may reach the password check");
        answers.Count(a => a.Code == 105).Should().BeGreaterThanOrEqualTo(25);
        (await server.CallAsync("user/auth", new { login = "target", password = "secret-password" })).ShouldFail(105);
    }

    [Fact]
    public async Task CapsHoldForTheWholeMessage_AndItsRequestsAreCounted()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:MaxTrackersPerConnection=2", "Atmosphere:MaxRequestsPerMessage=3");
        await using var socket = await fleet.ConnectAsync();

        var twoRequests = await socket.SubscribeAsync(fleet.Hash,
            new { type = "state", trackers = new[] { fleet.A } }, new { type = "state", trackers = new[] { fleet.B } },
            new { type = "state_batch", target = new { type = "selected", tracker_ids = new[] { fleet.A } } });
        twoRequests.GetProperty("status").GetProperty("code").GetInt32().Should().Be(7, "three subscriptions in one message pass a cap of two");

        var many = Enumerable.Range(0, 4).Select(_ => (object)new { type = "state_batch", target = new { type = "all" } }).ToArray();
        var tooMany = await socket.SubscribeAsync(fleet.Hash, many);
        tooMany.GetProperty("status").GetProperty("code").GetInt32().Should().Be(7);
        tooMany.GetProperty("data").GetProperty("errors")[0].GetProperty("parameter").GetString().Should().Be("requests");

        (await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A, fleet.B } }))
            .GetProperty("type").GetString().Should().Be("response", "nothing of the refused messages was taken");
    }

    [Fact]
    public async Task IotMonitorRequestsInOneMessage_CountTogetherAgainstItsCap()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("iot");
        var trackers = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            trackers.Add((await server.CreateTrackerAsync("iot", $"T{i}")).Id);
        }

        await using var socket = await AtmosphereSocket.ConnectAsync(server);
        await socket.ReadHandshakeAsync();
        var answer = await socket.SubscribeAsync(await server.LoginAsync("iot"),
            new { type = "iot_monitor", target = new { type = "selected", tracker_ids = trackers.Take(6) } },
            new { type = "iot_monitor", target = new { type = "selected", tracker_ids = trackers.Skip(6) } });

        answer.GetProperty("status").GetProperty("code").GetInt32().Should().Be(7);
    }

    private static StringContent JsonBody(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
}

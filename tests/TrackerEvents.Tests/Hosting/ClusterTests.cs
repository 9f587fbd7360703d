using System.Globalization;
using System.Text.RegularExpressions;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Hosting;

/// <summary>
/// The deployment of docs/operations.md: two server processes on one PostgreSQL database behind nginx running
/// config/nginx-cluster.conf, and the real atmosphere.js client connected through nginx.
/// </summary>
public sealed partial class ClusterTests
{
    [ClusterFact]
    public async Task EventsCrossNodes_ThroughNginx_AndAKilledNodesClientsReconnectToTheOtherNodeAndConverge()
    {
        await using var database = await TestDatabase.CreateAsync(Engine.Postgres);
        string[] settings = [.. database.Settings, $"Admin:ApiKey={RunningServer.AdminKey}", "Atmosphere:ServerHeartbeat=00:00:05"];
        await using var nodeA = await ServerProcess.StartAsync(settings);
        await using var nodeB = await ServerProcess.StartAsync(settings);
        await using var nginx = await Nginx.StartAsync(nodeA, nodeB);
        using var adminA = new AdminClient(nodeA.BaseAddress);
        using var adminB = new AdminClient(nodeB.BaseAddress);
        await adminA.PostAsync("/admin/users", new { login = "ops", password = "secret-password" });
        var phone = RunningServer.NewDeviceId();
        var tracker = (await adminA.PostAsync("/admin/trackers", new { login = "ops", label = "Van", device_id = phone, model = "m" }))
            .GetProperty("id").GetInt64();
        await adminA.PostAsync("/ingest/states", new { states = new[] { new { tracker_id = tracker, gps = new { speed = 1 } } } });
        var hash = (await adminB.PostAsync("/v2/user/auth", new { login = "ops", password = "secret-password" }, admin: false)).GetProperty("hash").GetString()!;
        object subscribe = new { action = "subscribe", hash, requests = new[] { new { type = "state", trackers = new[] { tracker } } } };

        await using var client = await AtmosphereJsClient.StartAsync("3.1.3", new Uri(nginx.BaseAddress, "/v2/event/subscription"), "--reconnectInterval", "500");
        await client.NextAsync("open");
        await client.PushJsonAsync(subscribe);
        await client.NextMessageAsync(m => m.GetProperty("type").GetString() == "response");
        await client.NextEventMessageAsync("state");
        var holderIsA = await ConnectionsAsync(adminA) == 1;
        (await ConnectionsAsync(holderIsA ? adminB : adminA)).Should().Be(0);
        var (holder, other) = holderIsA ? (nodeA, adminB) : (nodeB, adminA);

        // Ingested through the node that does not hold the connection.
        await other.PostAsync("/ingest/states", new { states = new[] { new { tracker_id = tracker, gps = new { speed = 2 } } } });
        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(2);

        // A phone reporting to the proxy's device port (whichever node takes it): 5.4 knots is 10 km/h.
        using (var devices = new HttpClient { BaseAddress = nginx.DeviceAddress })
        {
            var answer = await devices.GetAsync($"/?id={phone}&lat=52.1&lon=5.1&speed=5.4");
            answer.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());
        }

        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(10);

        await holder.KillAsync();
        await other.PostAsync("/ingest/states", new { states = new[] { new { tracker_id = tracker, gps = new { speed = 3 } } } });

        // atmosphere.js reconnects through nginx to the surviving node; the Navixy sample subscribes again in onReopen.
        await client.NextAsync("reopen", TimeSpan.FromSeconds(20));
        await client.PushJsonAsync(subscribe);
        await client.NextMessageAsync(m => m.GetProperty("type").GetString() == "response");
        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32()
            .Should().Be(3, "the fresh snapshot holds what changed while the node was dying");
        await other.PostAsync("/ingest/states", new { states = new[] { new { tracker_id = tracker, gps = new { speed = 4 } } } });
        (await client.NextEventMessageAsync("state")).GetProperty("data").GetProperty("gps").GetProperty("speed").GetInt32().Should().Be(4);
    }

    private static async Task<int> ConnectionsAsync(AdminClient node)
    {
        var metrics = await node.Http.GetStringAsync("/metrics");
        return int.Parse(ConnectionsMetric().Match(metrics).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^trackerevents_connections (\d+)$", RegexOptions.Multiline)]
    private static partial Regex ConnectionsMetric();

    private sealed class AdminClient(Uri baseAddress) : IDisposable
    {
        public HttpClient Http { get; } = new() { BaseAddress = baseAddress };

        public async Task<System.Text.Json.JsonElement> PostAsync(string path, object body, bool admin = true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = System.Net.Http.Json.JsonContent.Create(body) };
            if (admin)
            {
                request.Headers.Add("X-Api-Key", RunningServer.AdminKey);
            }

            return (await ApiAnswer.ReadAsync(await Http.SendAsync(request))).ShouldSucceed().Body;
        }

        public void Dispose() => Http.Dispose();
    }
}

/// <summary>Runs when PostgreSQL and nginx are available; in CI it always runs (and fails without them).</summary>
internal sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        Skip = Engines.PostgresSkipReason ?? Nginx.SkipReason;
    }
}

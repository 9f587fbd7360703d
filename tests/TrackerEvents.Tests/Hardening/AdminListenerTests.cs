using System.Net;
using System.Net.Http.Json;
using TrackerEvents.Hosting;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Hardening;

/// <summary>With Admin:Urls, the admin and ingest API and /metrics live on their own listener, and only there.</summary>
public sealed class AdminListenerTests
{
    [Fact]
    public async Task TheAdminApiAndMetrics_AnswerOnlyOnTheAdminListener_AndTheApiOnlyOnThePublicOne()
    {
        await using var server = await RunningServer.StartAsync("Admin:Urls=http://127.0.0.1:0");
        var admin = new Uri(server.Service<Listeners>().Addresses(Listeners.Admin).Single());
        admin.Port.Should().NotBe(server.BaseAddress.Port);
        using var operator_ = new HttpClient { BaseAddress = admin };

        using var created = await PostAdminAsync(operator_, "/admin/users", new { login = "ops", password = "secret-password" });
        created.StatusCode.Should().Be(HttpStatusCode.OK);
        (await operator_.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await server.CallAsync("user/auth", new { login = "ops", password = "secret-password" })).ShouldSucceed();

        using var publicAdmin = await PostAdminAsync(server.Http, "/admin/users", new { login = "ops2" });
        publicAdmin.StatusCode.Should().Be(HttpStatusCode.NotFound, "the admin API is not on the public port");
        (await PostAdminAsync(server.Http, "/ingest/states", new { states = Array.Empty<object>() })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await server.Http.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await operator_.PostAsJsonAsync("/v2/user/auth", new { login = "ops", password = "secret-password" })).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "the admin listener serves nothing else");

        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = admin.Authority;
        (await server.Http.SendAsync(spoofed)).StatusCode.Should().Be(HttpStatusCode.NotFound, "the listener is the socket's, not the Host header's");
        (await server.Http.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.OK, "health stays on the public port for the load balancer");
    }

    private static async Task<HttpResponseMessage> PostAdminAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Api-Key", RunningServer.AdminKey);
        return await http.SendAsync(request);
    }
}

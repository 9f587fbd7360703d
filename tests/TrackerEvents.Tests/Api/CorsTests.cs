using System.Net;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

/// <summary>
/// A monitoring page on another origin calls the HTTP API and the HTTP transports: preflights and answers
/// carry the CORS headers for the origins in <c>Api:AllowedOrigins</c>, and for no other.
/// </summary>
public sealed class CorsTests
{
    private const string Page = "https://fleet.example.com";

    [Fact]
    public async Task APreflightFromAnAllowedOrigin_AllowsTheHashAndDateHeaders_AndTheCallThenCarriesTheOrigin()
    {
        await using var server = await RunningServer.StartAsync($"Api:AllowedOrigins:0={Page}", "Api:AllowedOrigins:1=https://other.example.com");
        await server.CreateUserAsync("cora");

        using var preflight = await PreflightAsync(server, "/v2/user/auth", Page, "POST", "content-type, authorization, nvx-iso-datetime");

        preflight.StatusCode.Should().Be(HttpStatusCode.NoContent);
        Header(preflight, "Access-Control-Allow-Origin").Should().Be(Page);
        Header(preflight, "Access-Control-Allow-Methods").Should().Contain("POST");
        Header(preflight, "Access-Control-Allow-Headers")!.ToLowerInvariant().Split(',').Select(h => h.Trim())
            .Should().Contain(["content-type", "authorization", "nvx-iso-datetime"]);

        using var login = new HttpRequestMessage(HttpMethod.Post, "/v2/user/auth") { Content = System.Net.Http.Json.JsonContent.Create(new { login = "cora", password = "secret-password" }) };
        login.Headers.Add("Origin", Page);
        using var answer = await server.Http.SendAsync(login);
        (await ApiAnswer.ReadAsync(answer)).ShouldSucceed();
        Header(answer, "Access-Control-Allow-Origin").Should().Be(Page);
    }

    [Fact]
    public async Task AnotherOrigin_GetsNoAllowHeaders_OnThePreflightOrTheCall()
    {
        await using var server = await RunningServer.StartAsync($"Api:AllowedOrigins:0={Page}");

        using var preflight = await PreflightAsync(server, "/v2/user/auth", "https://evil.example.net", "POST", "content-type");
        preflight.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        preflight.Headers.Contains("Access-Control-Allow-Headers").Should().BeFalse();

        using var call = new HttpRequestMessage(HttpMethod.Get, "/v2/tracker/list");
        call.Headers.Add("Origin", "https://evil.example.net");
        using var answer = await server.Http.SendAsync(call);
        (await ApiAnswer.ReadAsync(answer)).ShouldFail(3);
        answer.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    [Fact]
    public async Task ByDefault_OnlyTheSameOrigin_SoNoOriginGetsAllowHeaders()
    {
        await using var server = await RunningServer.StartAsync();

        using var preflight = await PreflightAsync(server, "/v2/user/auth", Page, "POST", "content-type");

        preflight.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
        using var plainOptions = new HttpRequestMessage(HttpMethod.Options, "/v2/user/auth");
        (await ApiAnswer.ReadAsync(await server.Http.SendAsync(plainOptions))).ShouldFail(112);
    }

    [Fact]
    public async Task AStar_AllowsAnyOrigin()
    {
        await using var server = await RunningServer.StartAsync("Api:AllowedOrigins:0=*");

        using var preflight = await PreflightAsync(server, "/v2/tracker/get_states", "http://localhost:3000", "POST", "content-type, authorization");

        Header(preflight, "Access-Control-Allow-Origin").Should().Be("*");
    }

    [Theory]
    [InlineData("/v2/event/subscription")]
    [InlineData("/event/subscription")]
    public async Task TheHttpTransports_AreCoveredToo_AndExposeTheTrackingId(string path)
    {
        await using var server = await RunningServer.StartAsync($"Api:AllowedOrigins:0={Page}");

        using var push = await PreflightAsync(server, path + "?X-Atmosphere-Transport=polling&X-Atmosphere-tracking-id=abc", Page, "POST", "content-type");
        Header(push, "Access-Control-Allow-Origin").Should().Be(Page);
        Header(push, "Access-Control-Allow-Headers")!.ToLowerInvariant().Should().Contain("content-type");

        using var poll = new HttpRequestMessage(HttpMethod.Get,
            path + "?X-Atmosphere-tracking-id=0&X-Atmosphere-Transport=long-polling&X-atmo-protocol=true&X-Atmosphere-Framework=3.1.3-javascript");
        poll.Headers.Add("Origin", Page);
        using var handshake = await server.Http.SendAsync(poll);
        handshake.StatusCode.Should().Be(HttpStatusCode.OK);
        Header(handshake, "Access-Control-Allow-Origin").Should().Be(Page);
        Header(handshake, "Access-Control-Expose-Headers").Should().Contain("X-Atmosphere-tracking-id");
    }

    [Fact]
    public async Task TheAdminApi_IsNotOpenedToOtherOrigins()
    {
        await using var server = await RunningServer.StartAsync($"Api:AllowedOrigins:0={Page}");

        using var preflight = await PreflightAsync(server, "/admin/users", Page, "POST", "content-type, x-api-key");

        preflight.Headers.Contains("Access-Control-Allow-Origin").Should().BeFalse();
    }

    private static async Task<HttpResponseMessage> PreflightAsync(RunningServer server, string path, string origin, string method, string headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return await server.Http.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;
}

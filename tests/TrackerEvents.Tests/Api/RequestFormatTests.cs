using System.Net;
using System.Text;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

public sealed class RequestFormatTests
{
    [Theory]
    [InlineData("{\"hash\": ")]
    [InlineData("[1, 2]")]
    [InlineData("not json at all")]
    public async Task MalformedOrNonObjectJson_Is5(string body)
    {
        await using var server = await RunningServer.StartAsync();

        var answer = await ApiAnswer.ReadAsync(await server.Http.PostAsync("/v2/tracker/list",
            new StringContent(body, Encoding.UTF8, "application/json")));

        answer.ShouldFail(5);
    }

    [Fact]
    public async Task BodyOverTheLimit_Is9With412_AndTheServerCarriesOn()
    {
        await using var server = await RunningServer.StartAsync("Api:MaxRequestBytes=4096");
        var big = "{\"hash\":\"" + new string('a', 8000) + "\"}";

        var refused = await server.Http.PostAsync("/v2/tracker/list", new StringContent(big, Encoding.UTF8, "application/json"));
        (await ApiAnswer.ReadAsync(refused)).ShouldFail(9, HttpStatusCode.PreconditionFailed);
        refused.Headers.ConnectionClose.Should().BeTrue("the unread rest of the body makes the connection unusable");
        // Chunked, so that no Content-Length announces it: the limit is enforced while reading.
        var chunked = new StringContent(big, Encoding.UTF8, "application/json");
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v2/tracker/list") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))) };
        request.Headers.TransferEncodingChunked = true;
        request.Content.Headers.ContentType = new("application/json");
        (await ApiAnswer.ReadAsync(await server.Http.SendAsync(request))).ShouldFail(9, HttpStatusCode.PreconditionFailed);

        (await server.CallAsync("tracker/list", new { hash = "0123456789abcdef0123456789abcdef" })).ShouldFail(4);
    }

    [Fact]
    public async Task UnknownMethod_Is111_AndWrongHttpMethod_Is112()
    {
        await using var server = await RunningServer.StartAsync();

        (await ApiAnswer.ReadAsync(await server.Http.GetAsync("/v2/tracker/fly"))).ShouldFail(111);
        (await ApiAnswer.ReadAsync(await server.Http.PutAsync("/v2/tracker/list", new StringContent("{}")))).ShouldFail(112);
    }

    [Fact]
    public async Task ApiBasePath_IsConfigurable()
    {
        await using var server = await RunningServer.StartAsync("Api:BasePath=/api-v2");
        await server.CreateUserAsync("ida");

        (await ApiAnswer.ReadAsync(await server.Http.PostAsync("/api-v2/user/auth",
            new FormUrlEncodedContent([new("login", "ida"), new("password", "secret-password")])))).ShouldSucceed();
        (await server.Http.GetAsync("/v2/user/auth")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

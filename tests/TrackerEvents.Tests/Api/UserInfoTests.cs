using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

/// <summary><c>user/get_info</c>, which a monitoring page calls right after <c>user/auth</c>.</summary>
public sealed class UserInfoTests
{
    [Fact]
    public async Task GetInfo_AnswersTheUserObject_WithTheLoginTimeZoneAndLocale()
    {
        await using var server = await RunningServer.StartAsync();
        var id = await server.CreateUserAsync("zoe@example.com", timeZone: "America/New_York");
        var hash = await server.LoginAsync("zoe@example.com");

        var answer = (await server.CallAsync("user/get_info", new { hash })).ShouldSucceed();

        var info = answer["user_info"];
        info.GetProperty("id").GetInt64().Should().Be(id);
        info.GetProperty("login").GetString().Should().Be("zoe@example.com");
        info.GetProperty("time_zone").GetString().Should().Be("America/New_York");
        info.GetProperty("locale").GetString().Should().Be("en_US");
        info.GetProperty("measurement_system").GetString().Should().Be("metric");
        info.GetProperty("creation_date").GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$");
        info.GetProperty("title").GetString().Should().BeEmpty("no names are kept, and none is made up");
        info.GetProperty("demo").GetBoolean().Should().BeFalse();
        info.TryGetProperty("phone", out _).Should().BeFalse("a field without a value is left out");
        answer.Body.TryGetProperty("master", out _).Should().BeFalse("there are no sub-users");
    }

    [Fact]
    public async Task GetInfo_WorksWithAnApiKeyAndByGet_WithIsoDates_AndNeedsAHash()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("yves", timeZone: "Asia/Kolkata");
        var key = await server.CreateApiKeyAsync("yves");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/user/get_info");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("NVX", key);
        request.Headers.Add("NVX-ISO-DateTime", "true");
        var answer = (await ApiAnswer.ReadAsync(await server.Http.SendAsync(request))).ShouldSucceed();

        answer["user_info"].GetProperty("login").GetString().Should().Be("yves");
        answer["user_info"].GetProperty("creation_date").GetString().Should().EndWith("+05:30");
        (await server.CallAsync("user/get_info", new { })).ShouldFail(3);
        (await server.CallAsync("user/get_info", new { hash = "0123456789abcdef0123456789abcdef" })).ShouldFail(4);
    }
}

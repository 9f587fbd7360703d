using System.Net;
using System.Net.Http.Headers;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Auth;

public sealed class SessionTests
{
    [Fact]
    public async Task Auth_ReturnsA32HexHashThatOpensTheApi()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("alice@example.com");

        var answer = (await server.CallAsync("user/auth", new { login = "alice@example.com", password = "secret-password" })).ShouldSucceed();

        answer["type"].GetString().Should().Be("authenticated");
        var hash = answer["hash"].GetString()!;
        hash.Should().MatchRegex("^[0-9a-f]{32}$");
        (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed();
    }

    [Fact]
    public async Task Auth_IssuesADifferentHashEachTime_AndStoresOnlyItsDigest()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("bob");

        var first = await server.LoginAsync("bob");
        var second = await server.LoginAsync("bob");

        first.Should().NotBe(second);
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={server.DatabasePath}");
        var stored = await Dapper.SqlMapper.QueryAsync<string>(db, "SELECT token_hash FROM sessions");
        stored.Should().HaveCount(2).And.NotContain(first).And.NotContain(second);
        stored.Should().Contain(TrackerEvents.Auth.SessionService.Digest(first));
    }

    [Theory]
    [InlineData("carol", "wrong-password")]
    [InlineData("nobody", "secret-password")]
    public async Task Auth_WrongLoginOrPassword_Is102(string login, string password)
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("carol");

        (await server.CallAsync("user/auth", new { login, password })).ShouldFail(102);
    }

    [Fact]
    public async Task Auth_MissingParameters_Is7WithTheParametersNamed()
    {
        await using var server = await RunningServer.StartAsync();

        var answer = (await server.CallAsync("user/auth", new { login = "x" })).ShouldFail(7);

        answer.ErrorParameters.Should().Equal("password");
    }

    [Fact]
    public async Task Hash_IsReadFromBodyQueryOrAuthorizationHeader()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("dave");
        var hash = await server.LoginAsync("dave");

        (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed();
        (await ApiAnswer.ReadAsync(await server.Http.GetAsync($"/v2/tracker/list?hash={hash}"))).ShouldSucceed();
        using var form = new FormUrlEncodedContent([new("hash", hash)]);
        (await ApiAnswer.ReadAsync(await server.Http.PostAsync("/v2/tracker/list", form))).ShouldSucceed();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/tracker/list");
        request.Headers.Authorization = new AuthenticationHeaderValue("NVX", hash);
        (await ApiAnswer.ReadAsync(await server.Http.SendAsync(request))).ShouldSucceed();

        // The body wins over the query string.
        (await ApiAnswer.ReadAsync(await server.Http.PostAsync($"/v2/tracker/list?hash={hash}",
            new StringContent("{\"hash\":\"00000000000000000000000000000000\"}", System.Text.Encoding.UTF8, "application/json")))).ShouldFail(4);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-hash")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    public async Task Hash_MissingOrMalformed_Is3(string? hash)
    {
        await using var server = await RunningServer.StartAsync();

        var answer = hash is null ? await server.CallAsync("tracker/list", new { }) : await server.CallAsync("tracker/list", new { hash });

        answer.ShouldFail(3);
    }

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    public async Task Hash_WellFormedButUnknown_Is4_TheCodeClientsLogInAgainOn(string hash)
    {
        await using var server = await RunningServer.StartAsync();

        (await server.CallAsync("tracker/list", new { hash })).ShouldFail(4);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/tracker/list");
        request.Headers.Authorization = new AuthenticationHeaderValue("NVX", hash);
        (await ApiAnswer.ReadAsync(await server.Http.SendAsync(request))).ShouldFail(4);
    }

    [Fact]
    public async Task Hash_OfASessionForgottenAfterRetainEndedFor_IsStill4()
    {
        var clock = new ManualClock();
        await using var server = await RunningServer.StartAsync(clock, "Sessions:SweepInterval=00:00:00.100", "Sessions:RetainEndedFor=00:01:00");
        await server.CreateUserAsync("kim");
        var hash = await server.LoginAsync("kim");
        (await server.CallAsync("user/logout", new { hash })).ShouldSucceed();
        (await server.CallAsync("tracker/list", new { hash })).ShouldFail(4);

        clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.Until(async () => await SessionRowsAsync(server) == 0, TimeSpan.FromSeconds(10), "the sweep to forget the ended session");

        (await server.CallAsync("tracker/list", new { hash })).ShouldFail(4);
    }

    [Fact]
    public async Task Logout_EndsTheSession_ThenItIs4()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("erin");
        var hash = await server.LoginAsync("erin");
        var other = await server.LoginAsync("erin");

        (await server.CallAsync("user/logout", new { hash })).ShouldSucceed();

        (await server.CallAsync("tracker/list", new { hash })).ShouldFail(4);
        (await server.CallAsync("user/logout", new { hash })).ShouldFail(4);
        (await server.CallAsync("tracker/list", new { hash = other })).ShouldSucceed();
    }

    [Fact]
    public async Task Session_ExpiresAfterItsLifetimeWithoutUse_AndUseSlidesIt()
    {
        var clock = new ManualClock();
        await using var server = await RunningServer.StartAsync(clock, "Sessions:Lifetime=01:00:00");
        await server.CreateUserAsync("frank");
        var idle = await server.LoginAsync("frank");
        var busy = await server.LoginAsync("frank");

        clock.Advance(TimeSpan.FromMinutes(40));
        (await server.CallAsync("tracker/list", new { hash = busy })).ShouldSucceed();
        clock.Advance(TimeSpan.FromMinutes(40));

        (await server.CallAsync("tracker/list", new { hash = idle })).ShouldFail(4);
        (await server.CallAsync("tracker/list", new { hash = busy })).ShouldSucceed();
    }

    [Fact]
    public async Task Renew_ExtendsTheSession()
    {
        var clock = new ManualClock();
        await using var server = await RunningServer.StartAsync(clock, "Sessions:Lifetime=01:00:00");
        await server.CreateUserAsync("gina");
        var hash = await server.LoginAsync("gina");

        clock.Advance(TimeSpan.FromMinutes(50));
        (await server.CallAsync("user/session/renew", new { hash })).ShouldSucceed();
        clock.Advance(TimeSpan.FromMinutes(50));

        (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed();
    }

    [Fact]
    public async Task ApiKey_NeverExpires_SurvivesPasswordChange_AndCannotLogOut()
    {
        var clock = new ManualClock();
        await using var server = await RunningServer.StartAsync(clock, "Sessions:Lifetime=01:00:00");
        await server.CreateUserAsync("hank");
        var key = await server.CreateApiKeyAsync("hank");
        var session = await server.LoginAsync("hank");

        clock.Advance(TimeSpan.FromDays(400));
        (await server.CallAsync("tracker/list", new { hash = key })).ShouldSucceed();
        (await server.CallAsync("user/logout", new { hash = key })).ShouldFail(276, HttpStatusCode.Forbidden);
        (await server.AdminAsync("/admin/users/password", new { login = "hank", password = "new-password-1" })).ShouldSucceed();

        (await server.CallAsync("tracker/list", new { hash = key })).ShouldSucceed();
        (await server.CallAsync("tracker/list", new { hash = session })).ShouldFail(4);
        (await server.CallAsync("user/auth", new { login = "hank", password = "secret-password" })).ShouldFail(102);
        await server.LoginAsync("hank", "new-password-1");
    }

    [Fact]
    public async Task BlockedUser_CannotLogIn_AndTheirHashesEnd()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("ivan");
        var hash = await server.LoginAsync("ivan");
        var key = await server.CreateApiKeyAsync("ivan");

        (await server.AdminAsync("/admin/users/block", new { login = "ivan" })).ShouldSucceed();

        (await server.CallAsync("user/auth", new { login = "ivan", password = "secret-password" })).ShouldFail(275, HttpStatusCode.Forbidden);
        (await server.CallAsync("tracker/list", new { hash })).ShouldFail(4);
        (await server.CallAsync("tracker/list", new { hash = key })).ShouldFail(4);
        (await server.AdminAsync("/admin/users/unblock", new { login = "ivan" })).ShouldSucceed();
        await server.LoginAsync("ivan");
    }

    [Fact]
    public async Task TooManyLiveSessions_Is104_AndTooManyApiKeys_Is268()
    {
        await using var server = await RunningServer.StartAsync("Sessions:MaxPerUser=2", "Sessions:MaxApiKeysPerUser=1");
        await server.CreateUserAsync("judy");
        await server.LoginAsync("judy");
        await server.LoginAsync("judy");
        await server.CreateApiKeyAsync("judy");

        (await server.CallAsync("user/auth", new { login = "judy", password = "secret-password" })).ShouldFail(104);
        (await server.AdminAsync("/admin/api_keys", new { login = "judy" })).ShouldFail(268, HttpStatusCode.PaymentRequired);
    }

    private static async Task<long> SessionRowsAsync(RunningServer server)
    {
        await using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={server.DatabasePath}");
        return await Dapper.SqlMapper.ExecuteScalarAsync<long>(db, "SELECT COUNT(*) FROM sessions");
    }
}

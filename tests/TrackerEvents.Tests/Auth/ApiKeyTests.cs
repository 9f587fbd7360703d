using System.Net;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Auth;

/// <summary>
/// The user API's key calls: a session from <c>user/auth</c> creates, lists and deletes the account's API keys
/// (an API key may not: error 4), 20 at most (268), and a deleted key stops working everywhere at once.
/// </summary>
public sealed class ApiKeyTests
{
    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task ASession_CreatesListsAndDeletesKeys_AndTheKeyWorksUntilDeleted(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("kai", timeZone: "Europe/Amsterdam");
        var session = await server.LoginAsync("kai");

        var created = (await server.CallAsync("api/key/create", new { hash = session, title = "My Super App" })).ShouldSucceed()["value"];
        var key = created.GetProperty("hash").GetString()!;
        key.Should().MatchRegex("^[0-9a-f]{32}$");
        created.GetProperty("title").GetString().Should().Be("My Super App");
        created.GetProperty("create_date").GetString().Should().MatchRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$");
        (await server.CallAsync("tracker/list", new { hash = key })).ShouldSucceed();

        var listed = (await server.CallAsync("api/key/list", new { hash = session })).ShouldSucceed()["list"].EnumerateArray().Single();
        listed.GetProperty("title").GetString().Should().Be("My Super App");
        listed.GetProperty("create_date").GetString().Should().Be(created.GetProperty("create_date").GetString());
        var fingerprint = listed.GetProperty("hash").GetString()!;
        fingerprint.Should().MatchRegex("^[0-9a-f]{32}$").And.NotBe(key, "the key itself is not kept, only its digest");
        (await server.CallAsync("tracker/list", new { hash = fingerprint })).ShouldFail(4); // it names a key; it is none

        (await server.CallAsync("api/key/delete", new { hash = session, key })).ShouldSucceed();
        (await server.CallAsync("tracker/list", new { hash = key })).ShouldFail(4);
        (await server.CallAsync("api/key/list", new { hash = session })).ShouldSucceed()["list"].GetArrayLength().Should().Be(0);
        (await server.CallAsync("api/key/delete", new { hash = session, key })).ShouldFail(201);
    }

    [Fact]
    public async Task AKey_CanBeDeletedByWhatTheListShows_AndTheGuidesNamesWork()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("lea");
        var session = await server.LoginAsync("lea");
        var first = (await server.CallAsync("api/key/create", new { hash = session, title = "one" })).ShouldSucceed()["value"].GetProperty("hash").GetString()!;
        var second = (await server.CallAsync("api/key/create", new { hash = session, title = "two" })).ShouldSucceed()["value"].GetProperty("hash").GetString()!;

        var listed = (await ApiAnswer.ReadAsync(await server.Http.GetAsync($"/v2/user/api_key/list?hash={session}"))).ShouldSucceed()["list"];
        listed.EnumerateArray().Select(k => k.GetProperty("title").GetString()).Should().Equal("one", "two");
        var fingerprintOfFirst = listed[0].GetProperty("hash").GetString()!;

        (await server.CallAsync("user/api_key/delete", new { hash = session, api_key = fingerprintOfFirst })).ShouldSucceed();
        (await server.CallAsync("tracker/list", new { hash = first })).ShouldFail(4);
        (await server.CallAsync("tracker/list", new { hash = second })).ShouldSucceed();
        (await server.CallAsync("user/api_key/delete", new { hash = session })).ShouldFail(7).ErrorParameters.Should().Equal("api_key");
    }

    [Fact]
    public async Task AnApiKey_CannotManageKeys_ItIsError4()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("max");
        var key = await server.CreateApiKeyAsync("max");

        (await server.CallAsync("api/key/create", new { hash = key, title = "another" })).ShouldFail(4);
        (await server.CallAsync("api/key/list", new { hash = key })).ShouldFail(4);
        (await server.CallAsync("api/key/delete", new { hash = key, key })).ShouldFail(4);
        (await server.CallAsync("tracker/list", new { hash = key })).ShouldSucceed(); // the key itself is fine
    }

    [Fact]
    public async Task TwentyKeysAtMost_Then268_AndADeletedOneFreesItsPlace()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("ned");
        var session = await server.LoginAsync("ned");
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            keys.Add((await server.CallAsync("api/key/create", new { hash = session, title = $"key {i}" })).ShouldSucceed()["value"].GetProperty("hash").GetString()!);
        }

        (await server.CallAsync("api/key/create", new { hash = session, title = "one too many" })).ShouldFail(268, HttpStatusCode.PaymentRequired);
        (await server.CallAsync("api/key/delete", new { hash = session, key = keys[0] })).ShouldSucceed();
        (await server.CallAsync("api/key/create", new { hash = session, title = "in its place" })).ShouldSucceed();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    public async Task ATitle_IsRequired_AndPrintable(string? title)
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("oli");
        var session = await server.LoginAsync("oli");

        var answer = title is null
            ? await server.CallAsync("api/key/create", new { hash = session })
            : await server.CallAsync("api/key/create", new { hash = session, title });

        answer.ShouldFail(7).ErrorParameters.Should().Equal("title");
        (await server.CallAsync("api/key/create", new { hash = session, title = new string('x', 256) })).ShouldFail(7);
    }

    [Fact]
    public async Task AnotherUsersKey_CannotBeDeleted()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("pia");
        await server.CreateUserAsync("quin");
        var theirs = await server.CreateApiKeyAsync("quin");

        (await server.CallAsync("api/key/delete", new { hash = await server.LoginAsync("pia"), key = theirs })).ShouldFail(201);
        (await server.CallAsync("tracker/list", new { hash = theirs })).ShouldSucceed();
    }

    [Fact]
    public async Task DeletingAKey_LogsOutTheConnectionsThatUsedIt()
    {
        await using var fleet = await Fleet.StartAsync();
        var created = (await fleet.Server.CallAsync("api/key/create", new { hash = fleet.Hash, title = "dashboard" })).ShouldSucceed();
        var key = created["value"].GetProperty("hash").GetString()!;
        await using var socket = await fleet.ConnectAsync();
        await socket.SubscribeAsync(key, new { type = "state", trackers = new[] { fleet.A } });
        await socket.NextEventAsync("state");

        (await fleet.Server.CallAsync("api/key/delete", new { hash = fleet.Hash, key })).ShouldSucceed();

        await socket.NextEventAsync("logout");
        (await socket.SubscribeAsync(key, new { type = "state", trackers = new[] { fleet.A } })).GetProperty("status").GetProperty("code").GetInt32().Should().Be(4);
    }
}

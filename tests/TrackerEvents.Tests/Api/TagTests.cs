using System.Globalization;
using System.Net;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Api;

/// <summary><c>tag/create</c>, <c>tag/list</c>, <c>tracker/tags/set</c>, and the <c>tag_bindings</c> of <c>tracker/list</c> and <c>tracker/read</c>.</summary>
public sealed class TagTests
{
    [Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]
    public async Task TagsBoundToATracker_AreListed_AndShowInItsTagBindings(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("tess");
        var (van, _) = await server.CreateTrackerAsync("tess", "Van");
        var (bike, _) = await server.CreateTrackerAsync("tess", "Bike");
        var hash = await server.LoginAsync("tess");

        var reefer = (await server.CallAsync("tag/create", new { hash, tag = new { name = "Refrigerated", color = "00aaff" } })).ShouldSucceed()["id"].GetInt64();
        var night = (await server.CallAsync("tag/create", new { hash, tag = new { name = "Night shift", color = "112233", avatar_file_name = "moon.png" } }))
            .ShouldSucceed()["id"].GetInt64();
        (await server.CallAsync("tracker/tags/set", new { hash, tracker_id = van, tag_bindings = new[] { new { tag_id = night, ordinal = 2 }, new { tag_id = reefer, ordinal = 1 } } }))
            .ShouldSucceed();

        var tags = (await server.CallAsync("tag/list", new { hash })).ShouldSucceed()["list"].EnumerateArray().ToList();
        tags.Select(t => t.GetProperty("name").GetString()).Should().Equal("Refrigerated", "Night shift");
        tags[0].GetProperty("color").GetString().Should().Be("00AAFF");
        tags[0].TryGetProperty("avatar_file_name", out _).Should().BeFalse("an optional field without a value is left out");
        tags[1].GetProperty("avatar_file_name").GetString().Should().Be("moon.png");
        (await server.CallAsync("tag/list", new { hash, filter = "SHIFT" })).ShouldSucceed()["list"].EnumerateArray()
            .Select(t => t.GetProperty("id").GetInt64()).Should().Equal(night);

        var list = (await server.CallAsync("tracker/list", new { hash })).ShouldSucceed()["list"].EnumerateArray()
            .ToDictionary(t => t.GetProperty("id").GetInt64(), t => t.GetProperty("tag_bindings"));
        Bindings(list[van]).Should().Equal((reefer, 1L), (night, 2L));
        list[bike].GetArrayLength().Should().Be(0);
        var read = (await server.CallAsync("tracker/read", new { hash, tracker_id = van })).ShouldSucceed()["value"];
        Bindings(read.GetProperty("tag_bindings")).Should().Equal((reefer, 1L), (night, 2L));

        (await server.CallAsync("tracker/tags/set", new { hash, tracker_id = van, tag_bindings = Array.Empty<object>() })).ShouldSucceed();
        (await server.CallAsync("tracker/read", new { hash, tracker_id = van })).ShouldSucceed()["value"].GetProperty("tag_bindings").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task TagBindings_MayComeJsonEncoded_InAFormOrAsAString_AsNavixysExampleSendsThem()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("ugo");
        var (van, _) = await server.CreateTrackerAsync("ugo");
        var hash = await server.LoginAsync("ugo");
        using var create = new FormUrlEncodedContent([new("hash", hash), new("tag", "{\"name\":\"Cold\",\"color\":\"0000FF\"}")]);
        var tag = (await ApiAnswer.ReadAsync(await server.Http.PostAsync("/v2/tag/create", create))).ShouldSucceed()["id"].GetInt64();

        var encoded = $"[{{\"tag_id\":{tag},\"ordinal\":3}}]";
        using var form = new FormUrlEncodedContent([new("hash", hash), new("tracker_id", van.ToString(CultureInfo.InvariantCulture)), new("tag_bindings", encoded)]);
        (await ApiAnswer.ReadAsync(await server.Http.PostAsync("/v2/tracker/tags/set", form))).ShouldSucceed();
        (await server.CallAsync("tracker/tags/set", new { hash, tracker_id = van, tag_bindings = encoded })).ShouldSucceed();

        Bindings((await server.CallAsync("tracker/read", new { hash, tracker_id = van })).ShouldSucceed()["value"].GetProperty("tag_bindings"))
            .Should().Equal((tag, 3L));
    }

    [Fact]
    public async Task BadTagsAndBindings_Are7NamingThem_AnotherUsersTagIsUnknown()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("val");
        await server.CreateUserAsync("wil");
        var (van, _) = await server.CreateTrackerAsync("val");
        var hash = await server.LoginAsync("val");
        var mine = (await server.CallAsync("tag/create", new { hash, tag = new { name = "Mine", color = "FF0000" } })).ShouldSucceed()["id"].GetInt64();
        var theirs = (await server.CallAsync("tag/create", new { hash = await server.LoginAsync("wil"), tag = new { name = "Theirs", color = "00FF00" } }))
            .ShouldSucceed()["id"].GetInt64();

        (await server.CallAsync("tag/create", new { hash })).ShouldFail(7).ErrorParameters.Should().Equal("tag");
        (await server.CallAsync("tag/create", new { hash, tag = "not json" })).ShouldFail(7).ErrorParameters.Should().Equal("tag");
        (await server.CallAsync("tag/create", new { hash, tag = new { name = "", color = "red" } })).ShouldFail(7).ErrorParameters.Should().Equal("tag.name", "tag.color");
        (await server.CallAsync("tag/list", new { hash, filter = "ab" })).ShouldFail(7).ErrorParameters.Should().Equal("filter");
        (await server.CallAsync("tag/list", new { hash })).ShouldSucceed()["list"].EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Should().Equal(mine);

        async Task<IEnumerable<string>> Refused(object bindings) =>
            (await server.CallAsync("tracker/tags/set", new { hash, tracker_id = van, tag_bindings = bindings })).ShouldFail(7).ErrorParameters;
        (await Refused(new[] { new { tag_id = theirs, ordinal = 1 } })).Should().Equal("tag_bindings[0].tag_id");
        (await Refused(new[] { new { tag_id = mine, ordinal = 6 } })).Should().Equal("tag_bindings[0].ordinal");
        (await Refused(new[] { new { tag_id = mine, ordinal = 1 }, new { tag_id = mine, ordinal = 2 } })).Should().Equal("tag_bindings[1].tag_id");
        (await Refused(new { tag_id = mine, ordinal = 1 })).Should().Equal("tag_bindings");
        (await server.CallAsync("tracker/tags/set", new { hash, tracker_id = van })).ShouldFail(7).ErrorParameters.Should().Equal("tag_bindings");
    }

    [Fact]
    public async Task SettingTagsOnATrackerThatIsNotYours_Is201_AndOnABlockedOne_208()
    {
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("xia");
        await server.CreateUserAsync("yan");
        var (blocked, _) = await server.CreateTrackerAsync("xia");
        var (theirs, _) = await server.CreateTrackerAsync("yan");
        (await server.AdminAsync("/admin/trackers/block", new { tracker_id = blocked })).ShouldSucceed();
        var hash = await server.LoginAsync("xia");
        var tag = (await server.CallAsync("tag/create", new { hash, tag = new { name = "Any", color = "ABCDEF" } })).ShouldSucceed()["id"].GetInt64();
        var bindings = new[] { new { tag_id = tag, ordinal = 1 } };

        (await server.CallAsync("tracker/tags/set", new { hash, tracker_id = theirs, tag_bindings = bindings })).ShouldFail(201);
        (await server.CallAsync("tracker/tags/set", new { hash, tracker_id = blocked, tag_bindings = bindings })).ShouldFail(208, HttpStatusCode.Forbidden);
    }

    private static IEnumerable<(long TagId, long Ordinal)> Bindings(System.Text.Json.JsonElement bindings) =>
        bindings.EnumerateArray().Select(b => (b.GetProperty("tag_id").GetInt64(), b.GetProperty("ordinal").GetInt64()));
}

using System.Net;
using System.Text;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Hardening;

/// <summary>Input that made the parsers throw is a parameter error naming the field, counted by the rate limit, and no error in the log.</summary>
public sealed class BadTextTests
{
    public static readonly TheoryData<string, string> Messages = new()
    {
        { """{"action":"subscribe","hash":"HASH","requests":[{"type":"state_batch","target":{"type":"all"},"rate_limit":"999999999h"}]}""", "requests[0].rate_limit" },
        { """{"action":"subscribe","hash":"HASH","requests":[{"type":"\ud800","target":{"type":"all"}}]}""", "requests[0].type" },
        { """{"action":"subscribe","hash":"\udfff","requests":[{"type":"state","trackers":[1]}]}""", "hash" },
        { """{"action":"subscribe","hash":"HASH","requests":[{"type":"state","trackers":[1]}],"note":"\ud800\u0041"}""", "note" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public async Task OnTheSocket_IsError7NamingTheField(string message, string parameter)
    {
        await using var fleet = await Fleet.StartAsync();
        await using var socket = await fleet.ConnectAsync();

        await socket.SendAsync(message.Replace("HASH", fleet.Hash, StringComparison.Ordinal));
        var error = await socket.NextMessageAsync();

        error.GetProperty("status").GetProperty("code").GetInt32().Should().Be(7);
        error.GetProperty("data").GetProperty("errors")[0].GetProperty("parameter").GetString().Should().Be(parameter);
        await socket.SubscribeAsync(fleet.Hash, new { type = "state", trackers = new[] { fleet.A } });
        Logs.Contain(fleet.Server, "\"level\":\"ERROR\"").Should().BeFalse("bad input is not an error of the server's");
    }

    [Fact]
    public async Task AFloodOfBadMessages_MeetsTheActionRateLimit()
    {
        await using var fleet = await Fleet.StartAsync("Atmosphere:MaxActionsPerSecond=5");
        await using var socket = await fleet.ConnectAsync();
        for (var i = 0; i < 10; i++)
        {
            await socket.SendAsync("""{"action":"subscribe","hash":"x","requests":[{"type":"\ud800"}]}""");
        }

        var codes = new List<int>();
        for (var i = 0; i < 10; i++)
        {
            codes.Add((await socket.NextMessageAsync()).GetProperty("status").GetProperty("code").GetInt32());
        }

        codes.Should().Contain(15, "bad messages take action tokens like good ones");
        codes.Count(c => c == 7).Should().BeLessThanOrEqualTo(5);
    }

    [Theory]
    [InlineData("user/auth", """{"login":"\ud800","password":"x"}""", "login")]
    [InlineData("tracker/list", """{"hash":"\udc00"}""", "hash")]
    [InlineData("tracker/list", """{"hash":"HASH","labels":["ok","\ud83d"]}""", "labels[1]")]
    public async Task OverHttp_IsError7NamingTheField(string method, string body, string parameter)
    {
        await using var fleet = await Fleet.StartAsync();
        using var content = new StringContent(body.Replace("HASH", fleet.Hash, StringComparison.Ordinal), Encoding.UTF8, "application/json");

        var answer = await ApiAnswer.ReadAsync(await fleet.Server.Http.PostAsync("/v2/" + method, content));

        answer.Status.Should().Be(HttpStatusCode.BadRequest);
        answer["status"].GetProperty("code").GetInt32().Should().Be(7);
        answer["errors"][0].GetProperty("parameter").GetString().Should().Be(parameter);
    }

    [Fact]
    public async Task AFormWithTooManyFields_IsError7()
    {
        await using var server = await RunningServer.StartAsync();
        using var form = new FormUrlEncodedContent(Enumerable.Range(0, 2000).Select(i => KeyValuePair.Create($"f{i}", "x")));

        var answer = await ApiAnswer.ReadAsync(await server.Http.PostAsync("/v2/user/auth", form));

        answer.Status.Should().Be(HttpStatusCode.BadRequest);
        answer["status"].GetProperty("code").GetInt32().Should().Be(7);
        answer["errors"][0].GetProperty("parameter").GetString().Should().Be("form");
    }
}

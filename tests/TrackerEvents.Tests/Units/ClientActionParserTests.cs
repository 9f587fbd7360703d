using TrackerEvents.Messages;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>The action parser alone: text in, a validated action (or the error a client would get) out.</summary>
public sealed class ClientActionParserTests
{
    private static ClientAction Parse(string text, int maxTrackers = 100) => ClientActionParser.Parse(text, StreamKinds.Shapes, maxTrackers, maxRequests: 16);

    private static ActionException Refused(string text, int maxTrackers = 100) => Assert.Throws<ActionException>(() => Parse(text, maxTrackers));

    [Fact]
    public void RequestsForm_IsReadWithEveryOption()
    {
        var action = Parse("""
            {"action":"subscribe","hash":"0123456789abcdef0123456789abcdef","iso_datetime":true,"unknown":1,"requests":[
              {"type":"state","trackers":[3,1,3],"format":"compact"},
              {"type":"state_batch","target":{"type":"all"},"rate_limit":"500ms"},
              {"type":"readings_batch","target":{"type":"selected","tracker_ids":[7]},"sensor_type":"fuel","include_components":false}]}
            """);

        action.Subscribe.Should().BeTrue();
        action.Legacy.Should().BeFalse();
        action.IsoDatetime.Should().BeTrue();
        action.Hash.Should().Be("0123456789abcdef0123456789abcdef");
        action.Requests.Select(r => r.Type).Should().Equal("state", "state_batch", "readings_batch");
        action.Requests[0].TrackerIds.Should().Equal(3, 1);
        action.Requests[0].Format.Should().Be(StateFormat.Compact);
        action.Requests[1].All.Should().BeTrue();
        action.Requests[1].RateLimit.Should().Be(TimeSpan.FromMilliseconds(500));
        action.Requests[2].Filter.Should().Be(new ReadingsFilter("fuel", false));
    }

    [Fact]
    public void LegacyForm_IsOneStateRequest()
    {
        var action = Parse("""{"action":"unsubscribe","hash":"h","events":["state"],"trackers":[5]}""");

        action.Subscribe.Should().BeFalse();
        action.Legacy.Should().BeTrue();
        action.Requests.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Type = "state", TrackerIds = new[] { 5L }, All = false });
    }

    [Theory]
    [InlineData("not json", 5)]
    [InlineData("[1,2]", 5)]
    [InlineData("""{"action":"publish","hash":"h"}""", 5)]
    [InlineData("""{"hash":"h","requests":[]}""", 5)]
    public void AMessageThatIsNotAnAction_IsWrongFormat(string text, int code) =>
        Refused(text).Error.Code.Should().Be(code);

    [Theory]
    [InlineData("""{"type":"position","target":{"type":"all"}}""", "requests[0].type")]
    [InlineData("""{"type":"state_batch"}""", "requests[0].target")]
    [InlineData("""{"type":"state_batch","target":{"type":"some"}}""", "requests[0].target.type")]
    [InlineData("""{"type":"state","format":"full"}""", "requests[0].trackers")]
    [InlineData("""{"type":"state","trackers":[0]}""", "requests[0].trackers")]
    [InlineData("""{"type":"state","trackers":["1"]}""", "requests[0].trackers")]
    [InlineData("""{"type":"state_batch","target":{"type":"all"},"rate_limit":"50ms"}""", "requests[0].rate_limit")]
    [InlineData("""{"type":"state_batch","target":{"type":"all"},"rate_limit":"2h"}""", "requests[0].rate_limit")]
    [InlineData("""{"type":"state_batch","target":{"type":"all"},"rate_limit":5}""", "requests[0].rate_limit")]
    [InlineData("""{"type":"state","trackers":[1],"format":"tiny"}""", "requests[0].format")]
    [InlineData("""{"type":"readings_batch","target":{"type":"all"},"sensor_type":"smell"}""", "requests[0].sensor_type")]
    [InlineData("""{"type":"readings_batch","target":{"type":"all"},"include_components":"no"}""", "requests[0].include_components")]
    public void ABadParameter_IsError7NamingIt(string request, string parameter)
    {
        var error = Refused($$$"""{"action":"subscribe","hash":"h","requests":[{{{request}}}]}""");

        error.Error.Code.Should().Be(7);
        error.Errors!.Select(e => e.Parameter).Should().Contain(parameter);
    }

    [Fact]
    public void TrackerLists_AreCappedByTheConnectionLimitAndTheKindsOwn()
    {
        Refused("""{"action":"subscribe","hash":"h","requests":[{"type":"state","trackers":[1,2,3]}]}""", maxTrackers: 2)
            .Errors!.Single().Error.Should().Contain("(2)");
        var ids = string.Join(",", Enumerable.Range(1, IotMonitorStream.MaxTrackers + 1));
        Refused($$$"""{"action":"subscribe","hash":"h","requests":[{"type":"iot_monitor","target":{"type":"selected","tracker_ids":[{{{ids}}}]}}]}""")
            .Errors!.Single().Error.Should().Contain($"({IotMonitorStream.MaxTrackers})");
    }

    [Theory]
    [InlineData("100ms", 100)]
    [InlineData("1s", 1000)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    public void RateLimit_TakesEachUnit(string text, int milliseconds) =>
        Parse($$$"""{"action":"subscribe","hash":"h","requests":[{"type":"state_batch","target":{"type":"all"},"rate_limit":"{{{text}}}"}]}""")
            .Requests.Single().RateLimit.Should().Be(TimeSpan.FromMilliseconds(milliseconds));
}

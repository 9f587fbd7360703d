using System.Text.Json;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>Merging state updates: JSON in, the merged state out, and every bad field named.</summary>
public sealed class StatePatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static (TrackerState State, FieldErrors Errors) Apply(TrackerState current, string json, bool strict = true)
    {
        var errors = new FieldErrors();
        using var document = JsonDocument.Parse(json);
        return (StatePatch.Apply(current, document.RootElement, Now, errors, "states[0]", strict), errors);
    }

    [Fact]
    public void APatch_ChangesOnlyWhatItNames_AndStampsWhatChanged()
    {
        var (first, _) = Apply(TrackerState.Initial, """{"gps":{"location":{"lat":52.1,"lng":4.9},"speed":40},"ignition":true,"battery_level":80}""");
        var later = Now.AddMinutes(1);
        var errors = new FieldErrors();
        using var patch = JsonDocument.Parse("""{"movement_status":"moving"}""");

        var second = StatePatch.Apply(first, patch.RootElement, later, errors, "", strict: true);

        errors.Any.Should().BeFalse();
        second.Gps.Location.Should().Be(new GeoPoint(52.1, 4.9));
        second.Gps.Speed.Should().Be(40);
        second.Ignition.Should().BeTrue();
        second.IgnitionUpdate.Should().Be(Now, "ignition did not change in the second patch");
        second.MovementStatus.Should().Be("moving");
        second.MovementStatusUpdate.Should().Be(later);
        second.LastUpdate.Should().Be(later);
    }

    [Fact]
    public void GivenTimeStamps_WinOverTheReceiveTime()
    {
        var (state, errors) = Apply(TrackerState.Initial, """{"ignition":false,"ignition_update":"2026-11-01 08:00:00","last_update":"2026-11-01T08:00:01Z"}""");

        errors.Any.Should().BeFalse();
        state.IgnitionUpdate.Should().Be(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero));
        state.LastUpdate.Should().Be(new DateTimeOffset(2026, 11, 1, 8, 0, 1, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("""{"gps":{"location":{"lat":91,"lng":0}}}""", "states[0].gps.location.lat")]
    [InlineData("""{"battery_level":101}""", "states[0].battery_level")]
    [InlineData("""{"connection_status":"asleep"}""", "states[0].connection_status")]
    [InlineData("""{"ignition":"yes"}""", "states[0].ignition")]
    [InlineData("""{"colour":"red"}""", "states[0].colour")]
    [InlineData("""{"inputs":[true,1]}""", "states[0].inputs")]
    public void StrictPatches_NameEveryBadField(string json, string parameter) =>
        Apply(TrackerState.Initial, json).Errors.Items.Select(e => e.Parameter).Should().Contain(parameter);

    [Fact]
    public void ABadValue_IsNotTaken()
    {
        var (state, _) = Apply(TrackerState.Initial, """{"gps":{"location":{"lat":91,"lng":0}},"battery_level":101,"inputs":[true,1]}""");

        state.Gps.Location.Should().BeNull();
        state.BatteryLevel.Should().BeNull();
        state.Inputs.Should().BeEmpty();
    }

    [Fact]
    public void LenientReads_SkipWhatTheyDoNotKnow()
    {
        var (state, errors) = Apply(TrackerState.Initial, """{"colour":"red","movement_status":"stopped"}""", strict: false);

        errors.Any.Should().BeFalse();
        state.MovementStatus.Should().Be("stopped");
    }

    [Fact]
    public void TheCanonicalForm_ReadsBackToTheSameState()
    {
        var (state, _) = Apply(TrackerState.Initial,
            """{"gps":{"location":{"lat":-33.5,"lng":151.25},"heading":270,"alt":12},"gsm":{"signal_level":60,"network_name":"Telstra","roaming":true},"inputs":[true,false],"additional":{"odo":{"value":"12"}}}""");
        var canonical = StateWriter.ToCanonicalJson(state);
        var errors = new FieldErrors();
        using var document = JsonDocument.Parse(canonical);

        StatePatch.Apply(TrackerState.Initial, document.RootElement, now: null, errors, "", strict: false).Should().BeEquivalentTo(state);
        errors.Any.Should().BeFalse();
    }
}

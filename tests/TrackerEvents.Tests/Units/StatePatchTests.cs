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
    [InlineData("""{"last_update":"2026-11-01T08:00:01.250Z","connection_status":"idle","movement_status":"stopped"}""")]
    [InlineData("""{"last_update":"2026-11-01T08:00:01.250\u005A","connection_status":"\u0069dle","movement_status":"stopp\u0065d"}""")]
    [InlineData("""{"last_update":"2026-11-01 09:00:01.25+01:00","connection_status":"idle","movement_status":"stopped"}""")]
    public void DatesAndStatuses_ReadTheSame_EscapedOrNot(string json)
    {
        var (state, errors) = Apply(TrackerState.Initial, json);

        errors.Any.Should().BeFalse();
        state.LastUpdate.Should().Be(new DateTimeOffset(2026, 11, 1, 8, 0, 1, 250, TimeSpan.Zero));
        state.ConnectionStatus.Should().BeSameAs(TrackerState.ConnectionStatuses.Single(s => s == "idle"), "a known value, not a new string");
        state.MovementStatus.Should().Be("stopped");
    }

    [Theory]
    [InlineData("""{"last_update":"2026-11-01T08:00:01.250Z000000000000000000000000000000000000000"}""", "states[0].last_update")]
    [InlineData("""{"gps":{"location":{"lat":91,"lng":0}}}""", "states[0].gps.location.lat")]
    [InlineData("""{"battery_level":101}""", "states[0].battery_level")]
    [InlineData("""{"connection_status":"asleep"}""", "states[0].connection_status")]
    [InlineData("""{"ignition":"yes"}""", "states[0].ignition")]
    [InlineData("""{"colour":"red"}""", "states[0].colour")]
    [InlineData("""{"inputs":[true,1]}""", "states[0].inputs")]
    [InlineData("""{"gps":{"location":{"lat":1,"lng":0,"alt":3}}}""", "states[0].gps.location.alt")]
    [InlineData("""{"gps":{"heading":400}}""", "states[0].gps.heading")]
    [InlineData("""{"gsm":{"roaming":"no"}}""", "states[0].gsm.roaming")]
    [InlineData("""{"additional":{"door":{"value":"open","updated":"yesterday"}}}""", "states[0].additional.door.updated")]
    [InlineData("""{"additional":{"door":{"value":"open","by":"me"}}}""", "states[0].additional.door.by")]
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

    [Fact]
    public void ActualTrackUpdate_FollowsEachFixWhileMoving_AndStaysAtTheStopAfterwards()
    {
        var (parked, _) = Apply(TrackerState.Initial, """{"gps":{"location":{"lat":52.1,"lng":4.9}},"movement_status":"parked"}""");
        parked.ActualTrackUpdate.Should().BeNull("the tracker has not moved yet");

        var (moving, _) = Apply(parked, """{"gps":{"location":{"lat":52.2,"lng":4.9},"speed":40,"updated":"2026-11-29T11:59:58Z"},"movement_status":"moving"}""");
        moving.ActualTrackUpdate.Should().Be(new DateTimeOffset(2026, 11, 29, 11, 59, 58, TimeSpan.Zero), "the fix's own time");

        var later = Now.AddMinutes(1);
        var onTheMove = Patch(moving, """{"gps":{"location":{"lat":52.3,"lng":4.9},"speed":45}}""", later);
        onTheMove.ActualTrackUpdate.Should().Be(later, "every fix while moving updates the track");

        var stop = later.AddMinutes(1);
        var stopped = Patch(onTheMove, """{"movement_status":"parked","gps":{"speed":0}}""", stop);
        stopped.ActualTrackUpdate.Should().Be(stop, "the last time it moved");

        var parkedLater = Patch(stopped, """{"gps":{"location":{"lat":52.3,"lng":4.9}},"battery_level":50}""", stop.AddMinutes(5));
        parkedLater.ActualTrackUpdate.Should().Be(stop, "fixes while parked do not move it");
    }

    [Fact]
    public void AGivenActualTrackUpdate_Wins()
    {
        var (state, errors) = Apply(TrackerState.Initial, """{"movement_status":"moving","gps":{"speed":5},"actual_track_update":"2026-11-01T08:00:00Z"}""");

        errors.Any.Should().BeFalse();
        state.ActualTrackUpdate.Should().Be(new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public void TheLastGpsPoint_LeavesGsmLbsFixesOut_AndSurvivesTheStore()
    {
        var (gps, _) = Apply(TrackerState.Initial, """{"gps":{"location":{"lat":52.1,"lng":4.9},"speed":30,"precision":8}}""");
        gps.LastGpsPoint!.Location.Should().Be(new GeoPoint(52.1, 4.9));

        var lbs = Patch(gps, """{"gps":{"location":{"lat":52.5,"lng":5.0},"gsm_lbs":true,"precision":900}}""", Now.AddMinutes(1));
        var lbsAgain = Patch(lbs, """{"gps":{"location":{"lat":52.6,"lng":5.1}}}""", Now.AddMinutes(2));
        lbsAgain.Gps.Location.Should().Be(new GeoPoint(52.6, 5.1));
        lbsAgain.LastGpsPoint!.Location.Should().Be(new GeoPoint(52.1, 4.9));
        lbsAgain.LastGpsPoint.Precision.Should().Be(8);
        Stored(lbsAgain).LastGpsPoint.Should().BeEquivalentTo(lbsAgain.LastGpsPoint);

        var back = Patch(lbsAgain, """{"gps":{"location":{"lat":52.7,"lng":5.2},"gsm_lbs":false}}""", Now.AddMinutes(3));
        back.LastGpsFix.Should().BeNull();
        back.LastGpsPoint!.Location.Should().Be(new GeoPoint(52.7, 5.2));
        TrackerState.Initial.LastGpsPoint.Should().BeNull();
    }

    [Fact]
    public void AnUpdate_CannotSetTheKeptGpsFix()
    {
        var (_, errors) = Apply(TrackerState.Initial, """{"last_gps_fix":{"location":{"lat":1,"lng":2}}}""");

        errors.Items.Select(e => e.Parameter).Should().Contain("states[0].last_gps_fix");
    }

    private static TrackerState Patch(TrackerState current, string json, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        using var document = JsonDocument.Parse(json);
        var state = StatePatch.Apply(current, document.RootElement, now, errors, "", strict: true);
        errors.Any.Should().BeFalse(string.Join("; ", errors.Items.Select(e => e.Parameter + ": " + e.Error)));
        return state;
    }

    private static TrackerState Stored(TrackerState state)
    {
        using var document = JsonDocument.Parse(StateWriter.ToCanonicalJson(state));
        return StatePatch.Apply(TrackerState.Initial, document.RootElement, now: null, new FieldErrors(), "", strict: false);
    }
}

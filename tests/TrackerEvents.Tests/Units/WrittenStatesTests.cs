using TrackerEvents.Devices;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>The write path's cache of the states it wrote: a hit must be exactly what parsing the stored JSON gives.</summary>
public sealed class WrittenStatesTests
{
    private static readonly DateTimeOffset SubMillisecond = new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero).AddTicks(1_234_567);

    [Fact]
    public void ARememberedState_IsWhatItsJsonReadsBackAs()
    {
        var point = new DevicePoint("d") { Time = SubMillisecond, Position = new GeoPoint(52.123456789, -4.1), SpeedKmh = 12.5, BatteryPercent = 50, Ignition = true }
            with { Additional = [new("note", "café \"quoted\""), new("n", "1")] };
        var state = DeviceStateMapping.Apply(TrackerState.Initial with { Gsm = GsmState.Empty with { Updated = SubMillisecond } }, point,
            SubMillisecond, SubMillisecond.AddTicks(3), 5, TimeSpan.FromMinutes(5));
        var cache = new WrittenStates(TimeProvider.System);
        using var writer = new WrittenStates.Writer();

        var json = System.Text.Encoding.UTF8.GetString(WrittenStates.Serialize(state, writer, out var stored));
        cache.Remember(Handed(Change(7, 3, stored)));
        var remembered = cache.Read(7, 3, json);
        var parsed = StoredStateReader.Read(json);

        StateWriter.ToCanonicalJson(remembered).Should().Be(json).And.Be(StateWriter.ToCanonicalJson(parsed));
        remembered.Gps.Should().Be(parsed.Gps);
        remembered.LastUpdate.Should().Be(parsed.LastUpdate).And.Be(SubMillisecond.AddTicks(-4567), "times are kept to the millisecond, as stored");
        remembered.LastUpdate!.Value.UtcTicks.Should().Be(parsed.LastUpdate!.Value.UtcTicks);
        remembered.Gsm!.Updated!.Value.UtcTicks.Should().Be(parsed.Gsm!.Updated!.Value.UtcTicks);
        remembered.Additional["note"].Should().Be(parsed.Additional["note"]);
        remembered.Additional.Keys.Should().Equal(parsed.Additional.Keys);
        (remembered with { Additional = parsed.Additional, Inputs = parsed.Inputs, Outputs = parsed.Outputs }).Should().Be(parsed);
    }

    [Fact]
    public void AnotherVersion_IsParsed_NotTakenFromTheCache()
    {
        var cache = new WrittenStates(TimeProvider.System);
        using var writer = new WrittenStates.Writer();
        var json = System.Text.Encoding.UTF8.GetString(WrittenStates.Serialize(TrackerState.Initial with { BatteryLevel = 10 }, writer, out var stored));
        cache.Remember(Handed(Change(7, 5, stored)));
        var other = json.Replace("\"battery_level\":10", "\"battery_level\":99", StringComparison.Ordinal);

        cache.Read(7, 5, other).BatteryLevel.Should().Be(10, "the version this process committed is its state, whatever the JSON passed");
        cache.Read(7, 6, other).BatteryLevel.Should().Be(99, "another writer's version is parsed");
        cache.Read(7, 4, other).BatteryLevel.Should().Be(99, "an older version too");
        cache.Read(8, 5, json).BatteryLevel.Should().Be(10, "a tracker never remembered is parsed");
        cache.TryGet(8, 5, out _).Should().BeFalse();
    }

    [Fact]
    public void ATrackerWrittenAgainSoon_KeepsItsStateParsed_AnyOtherKeepsItsJson_AndBothReadTheSame()
    {
        var clock = new FrozenClock(); // no real time passes between the writes: the margin below is 1 ms
        var cache = new WrittenStates(clock);
        var first = TrackerState.Initial with { BatteryLevel = 10, LastUpdate = new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero) };
        var second = first with { BatteryLevel = 20 };
        var third = first with { BatteryLevel = 30 };

        cache.Remember(Handed(Change(7, 1, first)));
        cache.IsParsed(7).Should().BeFalse("a tracker written for the first time is kept as JSON");
        cache.TryGet(7, 1, out var state).Should().BeTrue();
        state.Should().NotBeSameAs(first, "parsed again from its JSON");
        StateWriter.ToCanonicalJson(state!).Should().Be(StateWriter.ToCanonicalJson(first));

        clock.Advance(WrittenStates.HotWithin - TimeSpan.FromMilliseconds(1));
        cache.Remember(Handed(Change(7, 2, second)));
        cache.IsParsed(7).Should().BeTrue("written again within HotWithin");
        cache.TryGet(7, 2, out state).Should().BeTrue();
        state.Should().BeSameAs(second);
        cache.TryGetLatest(7, out var latest).Should().BeTrue();
        latest!.State.Should().BeSameAs(second);

        clock.Advance(WrittenStates.HotWithin);
        cache.Remember(Handed(Change(7, 3, third)));
        cache.IsParsed(7).Should().BeFalse("written again only after HotWithin");
        cache.TryGetLatest(7, out latest).Should().BeTrue();
        (latest!.Version, latest.State.BatteryLevel).Should().Be((3, 30));
        cache.IsParsed(8).Should().BeNull("never remembered");
    }

    [Fact]
    public void TrackersCreatedTogether_ShareOneCopyOfTheirJson_AndEachReadsItsOwnVersion()
    {
        var cache = new WrittenStates(TimeProvider.System);
        using var writer = new WrittenStates.Writer();
        var json = WrittenStates.Serialize(TrackerState.Initial, writer, out var initial);
        var handed = new HandedStates();
        handed.Add(Change(7, 1, initial), json);
        handed.Add(Change(8, 2, initial), json);

        cache.Remember(handed);
        json[0] = (byte)'x'; // the caller's array: what is remembered is a copy

        cache.TryGet(7, 1, out var seven).Should().BeTrue();
        cache.TryGet(8, 2, out var eight).Should().BeTrue();
        cache.TryGet(8, 1, out _).Should().BeFalse();
        StateWriter.ToCanonicalJson(seven!).Should().Be(StateWriter.ToCanonicalJson(TrackerState.Initial));
        StateWriter.ToCanonicalJson(eight!).Should().Be(StateWriter.ToCanonicalJson(TrackerState.Initial));
    }

    [Fact]
    public void OfTwoWritersRemembering_TheHigherVersionStays()
    {
        var cache = new WrittenStates(TimeProvider.System);
        cache.Remember(Handed(Change(7, 11, TrackerState.Initial with { BatteryLevel = 11 })));
        cache.Remember(Handed(Change(7, 10, TrackerState.Initial with { BatteryLevel = 10 })));

        cache.TryGet(7, 11, out var state).Should().BeTrue();
        state!.BatteryLevel.Should().Be(11);
        cache.TryGet(7, 10, out _).Should().BeFalse();
    }

    [Fact]
    public void AStateAlreadyInWholeMilliseconds_IsStoredAsItIs_AndAnyOtherTimeIsTruncated()
    {
        var whole = new DateTimeOffset(2026, 11, 29, 12, 0, 0, 123, TimeSpan.Zero);
        var state = TrackerState.Initial with { LastUpdate = whole, Gps = GpsState.Empty with { Updated = whole } };
        using var writer = new WrittenStates.Writer();

        WrittenStates.Serialize(state, writer, out var stored);
        stored.Should().BeSameAs(state, "nothing to truncate, nothing to copy");

        WrittenStates.Serialize(state with { BatteryUpdate = SubMillisecond }, writer, out stored);
        stored.BatteryUpdate!.Value.UtcTicks.Should().Be(SubMillisecond.UtcTicks - 4567);

        var elsewhere = new DateTimeOffset(2026, 11, 29, 14, 0, 0, 123, TimeSpan.FromHours(2));
        WrittenStates.Serialize(state with { LastUpdate = elsewhere }, writer, out stored);
        stored.LastUpdate!.Value.Offset.Should().Be(TimeSpan.Zero, "the stored form reads back in UTC");
        stored.LastUpdate.Should().Be(whole);

        WrittenStates.Serialize(state with { Additional = state.Additional.Add("k", new AdditionalValue("v", SubMillisecond)) }, writer, out stored);
        stored.Additional["k"].Updated!.Value.UtcTicks.Should().Be(SubMillisecond.UtcTicks - 4567);
    }

    private static StateChange Change(long trackerId, long version, TrackerState state) => new(version, trackerId, 1, 1, false, state);

    /// <summary>Committed changes as a write hands them over: each with the JSON its row stores.</summary>
    private static HandedStates Handed(params StateChange[] changes)
    {
        var handed = new HandedStates();
        using var writer = new WrittenStates.Writer();
        foreach (var change in changes)
        {
            handed.Add(change, WrittenStates.Serialize(change.State, writer, out _));
        }

        return handed;
    }
}

using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>
/// The reader of the stored form: whatever it reads, it reads as the lenient merge does; whatever the stored form
/// never holds, it leaves to the lenient merge.
/// </summary>
public sealed class StoredStateReaderTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    private static readonly string[] Pieces = ["a", "Z", "9", " ", "\"", "\\", "/", "é", "\u0001", "\u2028", "日", "😀", "<"];

    private static TrackerState Leniently(string json)
    {
        using var document = JsonDocument.Parse(json);
        return StoredStateReader.ReadLeniently(document.RootElement);
    }

    [Fact]
    public void EveryStoredState_ReadsAsTheLenientMergeReadsIt()
    {
        var random = new Random(20261201);
        for (var i = 0; i < 2_000; i++)
        {
            var json = StateWriter.ToCanonicalJson(RandomState(random));

            StoredStateReader.TryRead(Encoding.UTF8.GetBytes(json), out var read).Should().BeTrue(json);

            StateWriter.ToCanonicalJson(read!).Should().Be(json).And.Be(StateWriter.ToCanonicalJson(Leniently(json)));
            read!.ConnectionStatus.Should().BeSameAs(TrackerState.ConnectionStatuses.Single(s => s == read.ConnectionStatus));
            read.MovementStatus.Should().BeSameAs(TrackerState.MovementStatuses.Single(s => s == read.MovementStatus));
        }
    }

    [Fact]
    public void TheInitialState_ReadsWithoutNewCollections()
    {
        var json = StateWriter.ToCanonicalJson(TrackerState.Initial);

        var read = StoredStateReader.Read(json);

        read.Additional.Should().BeSameAs(TrackerState.Initial.Additional);
        StateWriter.ToCanonicalJson(read).Should().Be(json);
    }

    [Fact]
    public void AStateInsideALargerDocument_IsReadFromItsOwnBytes()
    {
        var state = RandomState(new Random(7));
        using var document = JsonDocument.Parse("[1,\"x\"," + StateWriter.ToCanonicalJson(state) + ",{\"gps\":null}]");

        StateWriter.ToCanonicalJson(StoredStateReader.Read(document.RootElement[2])).Should().Be(StateWriter.ToCanonicalJson(state));
    }

    // Texts the stored form never holds. The fast reader gives each up; Read then gives what the lenient merge gives.
    [Theory]
    [InlineData("""{"connection_status":"active","speed_limit":60}""")] // an unknown field
    [InlineData("""{"connection_status":"active","connection_status":"idle"}""")] // a field twice
    [InlineData("""{"gps":{"speed":10,"speed":20}}""")]
    [InlineData("""{"gps":{"lat":52.5,"lng":4.9}}""")] // the published field list's form of a location
    [InlineData("""{"gps":{"location":{"lat":52.5}}}""")]
    [InlineData("""{"gps":{"location":{"lat":91,"lng":4.9}}}""")] // out of range
    [InlineData("""{"gps":{"heading":"north"}}""")] // a wrong type
    [InlineData("""{"gps":null,"battery_level":50}""")]
    [InlineData("""{"battery_level":101}""")]
    [InlineData("""{"ignition":"yes"}""")]
    [InlineData("""{"connection_status":"\u0061ctive"}""")] // escaped
    [InlineData("""{"last_update":"2026-12-01T03:00:00.000\u005A"}""")]
    [InlineData("""{"connection_status":"sleeping"}""")]
    [InlineData("""{"inputs":[true,1]}""")]
    [InlineData("""{"additional":{"fuel":"12"}}""")] // an entry that is not an object
    [InlineData("""{"additional":{"fuel":null}}""")]
    [InlineData("""{"additional":{"fuel":{"value":"1"},"fuel":{"value":"2"}}}""")]
    [InlineData("""{"additional":{"fuel":{"value":{"l":1}}}}""")]
    [InlineData("""{"ouputs_update":"2026-12-01T03:00:00.000Z"}""")]
    [InlineData("""{"tracker_id":"7","movement_status":"moving"}""")]
    [InlineData("""{"gsm":{"signal_level":40,"operator":"x"}}""")]
    [InlineData("""{"last_gps_fix":{"updated":null,"speed":-1}}""")]
    public void WhatTheStoredFormNeverHolds_IsLeftToTheLenientMerge(string json)
    {
        StoredStateReader.TryRead(Encoding.UTF8.GetBytes(json), out var read).Should().BeFalse();
        read.Should().BeNull();

        StateWriter.ToCanonicalJson(StoredStateReader.Read(json)).Should().Be(StateWriter.ToCanonicalJson(Leniently(json)));
    }

    [Theory]
    [InlineData("""{"connection_status":"active"} x""")]
    [InlineData("""{"connection_status":"active",}""")]
    [InlineData("""{"connection_status":"active" """)]
    [InlineData("""[]""")]
    [InlineData("")]
    public void TextThatIsNotOneJsonObject_ReadsAsTheInitialState(string json)
    {
        StoredStateReader.TryRead(Encoding.UTF8.GetBytes(json), out _).Should().BeFalse();

        StoredStateReader.Read(json).Should().BeSameAs(TrackerState.Initial);
    }

    [Fact]
    public void InvalidUtf8InAString_NeitherThrowsNorReadsAsValid()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"gsm":{"network_name":"AB"}}""");
        bytes[Array.IndexOf(bytes, (byte)'A')] = 0xC3; // a lead byte followed by an ASCII one

        StoredStateReader.TryRead(bytes, out _).Should().BeFalse();

        StoredStateReader.Read(bytes.AsMemory()).Should().BeSameAs(TrackerState.Initial, "the lenient reader refuses the text too");
    }

    [Fact]
    public void NumbersAndValuesRead_AsTheLenientMergeReadsThem()
    {
        const string json = """
            {"gps":{"updated":"2026-12-01 03:00:00","signal_level":49.5,"location":{"lat":-0.0,"lng":1e1},"heading":359.5,"speed":0.4,"alt":-2.5,
            "precision":null,"gsm_lbs":false},"additional":{"n":{"value":12.50,"updated":null},"b":{"value":true},"s":{"value":"caf\u00e9"},"z":{}},
            "gsm":{"network_name":"T\u002dMobile","roaming":null},"battery_level":0.5,"inputs":[],"outputs":[false,true],"last_gps_fix":null}
            """;

        StoredStateReader.TryRead(Encoding.UTF8.GetBytes(json), out var read).Should().BeTrue();

        StateWriter.ToCanonicalJson(read!).Should().Be(StateWriter.ToCanonicalJson(Leniently(json)));
        read!.Gps.Heading.Should().Be(360, "rounded half away from zero, as the lenient merge rounds");
        read.Gps.SignalLevel.Should().Be(50);
        read.Gps.Alt.Should().Be(-3);
        read.Gps.Updated.Should().Be(Start);
        read.Additional["n"].Value.Should().Be("12.50", "a number's text as written");
        read.Additional["b"].Value.Should().Be("true");
        read.Additional["s"].Value.Should().Be("café");
        read.Additional["z"].Should().Be(new AdditionalValue(null, null));
        read.Gsm!.NetworkName.Should().Be("T-Mobile");
        read.Outputs.Should().Equal(false, true);
    }

    private static TrackerState RandomState(Random random)
    {
        DateTimeOffset? Date() => random.Next(4) == 0 ? null : Start.AddMilliseconds(-random.NextInt64(1, 10_000_000_000));
        bool? Flag() => random.Next(3) switch { 0 => null, 1 => true, _ => false };
        int? Level() => random.Next(3) == 0 ? null : random.Next(0, 101);
        ImmutableArray<bool> Bools() => [.. Enumerable.Range(0, random.Next(0, 9)).Select(_ => random.Next(2) == 0)];
        string Text() => string.Concat(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Pieces[random.Next(Pieces.Length)]));
        GpsState Gps() => new(Date(), Level(),
            random.Next(5) == 0 ? null : new GeoPoint(Math.Round(random.NextDouble() * 180 - 90, random.Next(0, 10)), random.NextDouble() * 360 - 180),
            random.Next(0, 361), random.Next(0, 10_001), random.Next(-100_000, 100_001), random.Next(3) == 0 ? null : random.Next(),
            Flag());

        var additional = ImmutableSortedDictionary.CreateBuilder<string, AdditionalValue>(StringComparer.Ordinal);
        for (var n = random.Next(0, 5); n > 0; n--)
        {
            additional[Text()] = new AdditionalValue(random.Next(4) == 0 ? null : Text(), Date());
        }

        return new TrackerState
        {
            Gps = Gps(),
            ConnectionStatus = TrackerState.ConnectionStatuses[random.Next(TrackerState.ConnectionStatuses.Length)],
            MovementStatus = TrackerState.MovementStatuses[random.Next(TrackerState.MovementStatuses.Length)],
            MovementStatusUpdate = Date(),
            Ignition = Flag(),
            IgnitionUpdate = Date(),
            Gsm = random.Next(3) == 0 ? null : new GsmState(Date(), Level(), random.Next(3) == 0 ? null : Text(), Flag()),
            LastUpdate = Date(),
            BatteryLevel = Level(),
            BatteryUpdate = Date(),
            Inputs = Bools(),
            InputsUpdate = Date(),
            Outputs = Bools(),
            OutputsUpdate = Date(),
            Additional = additional.ToImmutable(),
            ActualTrackUpdate = Date(),
            LastGpsFix = random.Next(3) == 0 ? Gps() : null,
        };
    }
}

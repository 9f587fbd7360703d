using System.Text;
using System.Text.Json;
using TrackerEvents.Client;

namespace TrackerEvents.Tests.Units;

/// <summary>The client's event reading and its consumer buffer, JSON in and a value out.</summary>
public sealed class ClientEventTests
{
    [Fact]
    public void AStateBatch_IsReadInTheWireShape_AndInThePublishedOne()
    {
        var wire = Event("""
            {"data":[{"state":{"source_id":7,"gps":{"speed":79,"updated":"2025-10-08T18:31:28-06:00"}},"type":"source_state_event"},
             {"type":"lifecycle_event","source_id":8,"lifecycle_event":"block","timestamp":"2021-01-28 08:16:40"}],"type":"event","event":"state_batch"}
            """).Should().BeOfType<StateBatchEvent>().Subject;
        var published = Event("""
            {"type":"event","event":"state_batch","user_time":"2018-10-17 12:51:55","data":[{"source_id":10284,"gps":{"speed":0},"gsm":null}]}
            """).Should().BeOfType<StateBatchEvent>().Subject;

        wire.States.Should().ContainSingle().Which.Gps!.Updated.Should().Be(new DateTimeOffset(2025, 10, 8, 18, 31, 28, TimeSpan.FromHours(-6)));
        wire.Lifecycle.Should().ContainSingle().Which.Should().Be(new LifecycleChange
        {
            SourceId = 8, LifecycleEvent = "block", Timestamp = new DateTimeOffset(2021, 1, 28, 8, 16, 40, TimeSpan.Zero),
        });
        published.States.Should().ContainSingle().Which.SourceId.Should().Be(10284);
        published.UserTime.Should().Be(new DateTimeOffset(2018, 10, 17, 12, 51, 55, TimeSpan.Zero), "a date without a zone is read as UTC");
    }

    [Fact]
    public void UnknownFields_AreKept_AndUnknownEvents_PassedOn()
    {
        var state = Event("""{"type":"event","event":"state","data":{"source_id":1,"hdop":0.9,"gps":{"speed":3}}}""").Should().BeOfType<StateEvent>().Subject;
        state.State.Extra!["hdop"].GetDouble().Should().Be(0.9);

        var other = Event("""{"type":"event","event":"geofence","data":{}}""").Should().BeOfType<OtherEvent>().Subject;
        other.Name.Should().Be("geofence");
        other.Json.Should().Contain("geofence");
        ((LogoutEvent)Event("""{"type":"event","event":"logout","data":"session closed"}""")).Reason.Should().Be("session closed");
    }

    [Fact]
    public void Replies_AreToldFromEvents_WhateverTheFieldOrder()
    {
        var (e, reply) = EventParser.Parse(Encoding.UTF8.GetBytes(
            """{"data":{"errors":[]},"status":{"code":3,"description":"Wrong hash"},"action":"subscription/subscribe","type":"error"}"""));

        e.Should().BeNull();
        reply.Should().Match<Reply>(r => r.IsError && r.Code == 3 && r.Action == "subscription/subscribe");
        var parsing = () => EventParser.Parse(Encoding.UTF8.GetBytes("not json"));
        parsing.Should().Throw<JsonException>();
    }

    [Fact]
    public void TheBuffer_KeepsTheLatestStatePerTracker_AndMergesBatches()
    {
        var buffer = new EventBuffer(capacity: 10);
        buffer.Add(State(1, 10));
        buffer.Add(State(2, 20));
        buffer.Add(Batch((1, 10), (2, 20)));
        buffer.Add(State(1, 11));
        buffer.Add(Batch((1, 11)));
        buffer.Add(Batch((3, 30)));

        var waiting = buffer.Peek();

        waiting.Should().HaveCount(3);
        ((StateEvent)waiting[0]).State.Gps!.Speed.Should().Be(11);
        var batch = (StateBatchEvent)waiting[2];
        batch.States.Select(s => (s.SourceId, s.Gps!.Speed)).Should().Equal((1L, (double?)11), (2L, 20), (3L, 30));
        using var json = JsonDocument.Parse(batch.RawJson);
        json.RootElement.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("state").GetProperty("source_id").GetInt64())
            .Should().Equal(1, 2, 3);
    }

    [Fact]
    public void TheBuffer_DropsTheOldestOtherEvent_PastItsCapacity_AndCountsIt()
    {
        var buffer = new EventBuffer(capacity: 2);
        buffer.Add(new LifecycleEvent(new LifecycleChange { SourceId = 1, LifecycleEvent = "block" }, default));
        buffer.Add(State(1, 10));
        buffer.Add(new LifecycleEvent(new LifecycleChange { SourceId = 2, LifecycleEvent = "block" }, default));
        buffer.Add(new LifecycleEvent(new LifecycleChange { SourceId = 3, LifecycleEvent = "block" }, default));

        buffer.Dropped.Should().Be(1);
        buffer.Peek().Select(e => e is LifecycleEvent l ? l.Change.SourceId : -1).Should().Equal(-1, 2, 3);
    }

    [Fact]
    public async Task TheBuffer_EndsWithItsFault_AfterWhatWaits()
    {
        var buffer = new EventBuffer(capacity: 10);
        buffer.Add(State(1, 10));
        buffer.Complete(new SessionEndedException("session closed", "logout"));

        var read = new List<TrackerEvent>();
        var reading = async () =>
        {
            await foreach (var e in buffer.ReadAllAsync())
            {
                read.Add(e);
            }
        };

        await reading.Should().ThrowAsync<SessionEndedException>();
        read.Should().ContainSingle();
    }

    [Fact]
    public void ReadingsBatches_MergeByTrackerAndSensor()
    {
        var older = (ReadingsBatchEvent)Event("""
            {"type":"event","event":"readings_batch","data":[{"type":"readings_event","tracker_id":1,
             "inputs":[{"sensor_id":5,"value":1.5},{"sensor_id":6,"value":2}],"states":[],"virtual_sensors":[],"counters":[{"type":"odometer","value":10}]}]}
            """);
        var newer = (ReadingsBatchEvent)Event("""
            {"type":"event","event":"readings_batch","data":[{"type":"readings_event","tracker_id":1,"inputs":[{"sensor_id":6,"value":3}],
             "states":[{"field":"input_status","value":9}],"virtual_sensors":[],"counters":[]},{"type":"lifecycle_event","source_id":2,"lifecycle_event":"corrupt"}]}
            """);

        var merged = Conflation.Merge(older, newer);

        var readings = merged.Readings.Should().ContainSingle().Subject;
        readings.Inputs!.Select(i => (i.SensorId, i.Value)).Should().Equal((5L, (double?)1.5), (6L, 3));
        readings.States.Should().ContainSingle(s => s.Field == "input_status");
        readings.Counters.Should().ContainSingle(c => c.Value == 10);
        merged.Lifecycle.Should().ContainSingle(l => l.LifecycleEvent == "corrupt");
        var again = (ReadingsBatchEvent)Event(merged.Json);
        again.Readings[0].Inputs!.Should().HaveCount(2, "the merged JSON reads back the same");
    }

    private static TrackerEvent Event(string json) => EventParser.Parse(Encoding.UTF8.GetBytes(json)).Event!;

    private static StateEvent State(long source, double speed) =>
        new(new TrackerState { SourceId = source, Gps = new GpsState { Speed = speed } }, null, default);

    private static StateBatchEvent Batch(params (long Source, double Speed)[] states) =>
        new([.. states.Select(s => new TrackerState { SourceId = s.Source, Gps = new GpsState { Speed = s.Speed } })], [], null, default);
}

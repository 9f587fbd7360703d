using System.Globalization;
using System.Text;
using TrackerEvents.Store;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

/// <summary>
/// The payloads in which a PostgreSQL node carries the state changes of its commit to the other nodes: what one
/// node chunks another reads back exactly, with the versions the statement gave the rows; every chunk fits a
/// notification; a node skips its own; and anything malformed reads as "read the feed" (null), never as changes.
/// </summary>
public sealed class CarriedChangesTests
{
    private readonly CarriedChanges _writer = new("node1");
    private readonly CarriedChanges _reader = new("node2");

    [Fact]
    public void WhatOneNodeCarries_AnotherReadsBack_WithTheVersionsOfTheBlock()
    {
        CarriedChanges.Row[] rows = [Row(7, battery: 10), Row(3, battery: 20, blocked: true), Row(9, battery: 30)];

        var chunks = _writer.Chunk(rows);

        chunks.Should().ContainSingle();
        var changes = _reader.Read(Payload(before: 100, chunks[0]))!;
        changes.Should().NotBeNull();
        changes.Select(c => (c.Version, c.TrackerId, c.UserId, c.SourceId, c.Blocked)).Should().Equal(
            (101L, 7L, 70L, 700L, false), (102L, 3L, 30L, 300L, true), (103L, 9L, 90L, 900L, false));
        changes.Select(c => StateWriter.ToCanonicalJson(c.State)).Should().Equal(rows.Select(r => Encoding.UTF8.GetString(r.State)),
            "a carried state is what its stored JSON reads back as");
        _reader.Taken.Should().Be(3);
    }

    [Fact]
    public void ManyRows_GoInChunks_ThatEachFitANotification_AndTogetherContinueEachOther()
    {
        var rows = Enumerable.Range(1, 60).Select(i => Row(i, battery: i, note: new string('x', 500))).ToArray();

        var chunks = _writer.Chunk(rows);

        chunks.Length.Should().BeGreaterThan(3);
        const long Before = 9_000_000_000_000_000_000;
        foreach (var chunk in chunks)
        {
            Encoding.UTF8.GetByteCount(Payload(Before, chunk)).Should().BeLessThan(8000, "PostgreSQL refuses a payload of 8,000 bytes or more");
        }

        var versions = chunks.SelectMany(c => _reader.Read(Payload(Before, c))!).Select(c => c.Version).ToList();
        versions.Should().Equal(Enumerable.Range(1, 60).Select(i => Before + i));
    }

    [Fact]
    public void ChunksAreMeasuredInBytes_NotCharacters()
    {
        var rows = Enumerable.Range(1, 20).Select(i => Row(i, battery: i, note: new string('é', 700))).ToArray();

        var chunks = _writer.Chunk(rows);

        chunks.Should().OnlyContain(c => Encoding.UTF8.GetByteCount(Payload(long.MaxValue, c)) < 8000);
        chunks.SelectMany(c => _reader.Read(Payload(1, c))!).Should().HaveCount(20);
    }

    [Fact]
    public void RowsAreCarried_UpToTheFirstTooLargeForANotification_OrPastTheLimitInAll()
    {
        var chunks = _writer.Chunk([Row(1, battery: 1), Row(2, battery: 2, note: new string('x', CarriedChanges.ChunkBytes)), Row(3, battery: 3)]);
        chunks.SelectMany(c => _reader.Read(Payload(10, c))!).Select(c => c.Version).Should().Equal([11L],
            "a row after one that does not fit would leave a gap");
        var many = Enumerable.Range(1, CarriedChanges.MaxBytes / 500 + 100).Select(i => Row(i, battery: 1, note: new string('x', 450))).ToArray();
        var carried = _writer.Chunk(many).SelectMany(c => _reader.Read(Payload(0, c))!).ToList();
        carried.Select(c => c.Version).Should().Equal(Enumerable.Range(1, carried.Count).Select(i => (long)i));
        var rowBytes = many[0].State.Length + 30; // the state and the row's numbers around it
        carried.Count.Should().BeLessThan(many.Length).And.BeGreaterThan(CarriedChanges.MaxBytes / rowBytes - 1, "rows are carried up to the limit");
        _writer.Chunk([]).Should().BeEmpty();
    }

    [Fact]
    public void ANodesOwnPayload_ReadsAsNothing()
    {
        var chunk = _writer.Chunk([Row(1, battery: 1)]).Single();

        _writer.Read(Payload(5, chunk)).Should().BeEmpty();
        _writer.Taken.Should().Be(0);
    }

    [Theory]
    [InlineData("c")]
    [InlineData("c12")]
    [InlineData("c12:node1")]
    [InlineData("c:node1:[[1,1,1,1,false,{}]]")]
    [InlineData("c-1:node1:[[1,1,1,1,false,{}]]")]
    [InlineData("cx:node1:[[1,1,1,1,false,{}]]")]
    [InlineData("c12:node1:not json")]
    [InlineData("c12:node1:[[1,1,1,1,false,{}]")]
    [InlineData("c12:node1:[]")]
    [InlineData("c12:node1:{}")]
    [InlineData("c12:node1:[[1,1,1,1,false]]")]
    [InlineData("c12:node1:[[1,1,1,1,false,{},7]]")]
    [InlineData("c12:node1:[[1,1,1,1,false,[]]]")]
    [InlineData("c12:node1:[[1,1,1,1,\"no\",{}]]")]
    [InlineData("c12:node1:[[1,\"1\",1,1,false,{}]]")]
    [InlineData("c12:node1:[[1.5,1,1,1,false,{}]]")]
    [InlineData("c12:node1:[[0,1,1,1,false,{}]]")]
    [InlineData("c12:node1:[[1,1,1,1,false,{}],[3,2,1,1,false,{}]]")]
    [InlineData("c12:node1:[[2,1,1,1,false,{}],[2,2,1,1,false,{}]]")]
    [InlineData("c12:node1:[[1,1,1,1,false,{}]] trailing")]
    public void AMalformedPayload_ReadsAsNull_SoTheFeedIsRead(string payload)
    {
        _reader.Read(payload).Should().BeNull();
        _reader.Taken.Should().Be(0);
    }

    [Fact]
    public void AVersionNoticeOrAnEmptyPayload_IsNotCarried()
    {
        CarriedChanges.IsCarried("1234").Should().BeFalse();
        CarriedChanges.IsCarried("").Should().BeFalse();
        CarriedChanges.IsCarried("c1:n:[]").Should().BeTrue();
    }

    // As the writing statement sends it: 'c', the version before the block, the chunk.
    private static string Payload(long before, string chunk) => "c" + before.ToString(CultureInfo.InvariantCulture) + chunk;

    private static CarriedChanges.Row Row(long tracker, int battery, bool blocked = false, string? note = null)
    {
        var json = note is null
            ? $$"""{"battery_level":{{battery}},"connection_status":"active"}"""
            : $$"""{"battery_level":{{battery}},"connection_status":"active","additional":{"note":{"value":"{{note}}"}""" + "}}";
        var canonical = StateWriter.ToCanonicalJson(StoredStateReader.Read(json));
        return new CarriedChanges.Row(tracker, tracker * 10, tracker * 100, blocked, Encoding.UTF8.GetBytes(canonical));
    }
}

using System.Text;
using System.Text.Json;
using TrackerEvents.Messages;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Protocol;

/// <summary>A batch frame is laid out once behind its length prefix: both forms must be the same message.</summary>
public sealed class BatchFrameTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void BatchFrame_WithAndWithoutLengthTracking_IsTheEnvelopeWithTheItemsInOrder()
    {
        byte[][] items = [.. new[] { """{"id":1,"label":"héllo 😀"}""", """{"id":2}""", """[1,2,{"x":"y"}]""" }.Select(Encoding.UTF8.GetBytes)];

        var payload = EventFrames.BatchEvent("state_batch", items, DateStyle.Canonical, Now);

        var plain = Encoding.UTF8.GetString(payload.For(trackMessageSize: false).Span);
        using var json = JsonDocument.Parse(plain);
        json.RootElement.GetProperty("type").GetString().Should().Be("event");
        json.RootElement.GetProperty("event").GetString().Should().Be("state_batch");
        json.RootElement.TryGetProperty("user_time", out _).Should().BeTrue();
        json.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetRawText())
            .Should().Equal("""{"id":1,"label":"héllo 😀"}""", """{"id":2}""", """[1,2,{"x":"y"}]""");
        Encoding.UTF8.GetString(payload.For(trackMessageSize: true).Span).Should().Be($"{plain.Length}|{plain}");
        payload.Utf16Length.Should().Be(plain.Length);
        payload.ToString().Should().Be(plain);
    }

    [Fact]
    public void EmptyBatch_HasAnEmptyDataArray_AndNoUserTimeWithoutADateStyle()
    {
        var payload = EventFrames.BatchEvent("readings_batch", [], null, Now);

        Encoding.UTF8.GetString(payload.For(trackMessageSize: false).Span).Should().Be("""{"type":"event","event":"readings_batch","data":[]}""");
        Encoding.UTF8.GetString(payload.For(trackMessageSize: true).Span).Should().Be("""51|{"type":"event","event":"readings_batch","data":[]}""");
    }
}

using System.Runtime.InteropServices;
using System.Text;
using TrackerEvents.Messages;
using TrackerEvents.Protocol;

namespace TrackerEvents.Tests.Units;

public sealed class PayloadTests
{
    [Theory]
    [InlineData("{\"a\":1}")]
    [InlineData("{\"label\":\"Łódź → Zürich 🚚\"}")] // 2- and 3-byte characters, and a surrogate pair (2 UTF-16 units)
    public void Framed_PrefixesTheUtf16Length_AndBothFormsAreSlicesOfOneArray(string json)
    {
        var payload = Payload.Framed(Encoding.UTF8.GetBytes(json));

        Encoding.UTF8.GetString(payload.For(trackMessageSize: false).Span).Should().Be(json);
        Encoding.UTF8.GetString(payload.For(trackMessageSize: true).Span).Should().Be($"{json.Length}|{json}");
        payload.Utf16Length.Should().Be(json.Length);
        MemoryMarshal.TryGetArray(payload.For(trackMessageSize: true), out var tracked).Should().BeTrue();
        MemoryMarshal.TryGetArray(payload.For(trackMessageSize: false), out var plain).Should().BeTrue();
        plain.Array.Should().BeSameAs(tracked.Array);
        tracked.Count.Should().Be(tracked.Array!.Length, "the array has the exact size of the framed message");
    }

    [Fact]
    public void PooledBuffer_GrowsPastItsFirstArray_KeepingWhatWasWritten()
    {
        using var buffer = new PooledBuffer(16);
        var expected = new byte[10_000];
        for (var i = 0; i < expected.Length; i += 100)
        {
            var chunk = Enumerable.Range(i, 100).Select(b => (byte)b).ToArray();
            chunk.CopyTo(expected, i);
            chunk.CopyTo(buffer.GetSpan(100));
            buffer.Advance(100);
        }

        buffer.WrittenSpan.ToArray().Should().Equal(expected);
    }

    [Fact]
    public void PooledBuffer_RefusesToAdvancePastWhatItHandedOut_AndUseAfterDispose()
    {
        var buffer = new PooledBuffer(16);
        var handedOut = buffer.GetSpan(8).Length;

        var past = () => buffer.Advance(handedOut + 1);

        past.Should().Throw<ArgumentOutOfRangeException>();
        buffer.Dispose();
        var after = () => buffer.GetMemory();
        after.Should().Throw<ObjectDisposedException>();
    }
}

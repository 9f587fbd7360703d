namespace TrackerEvents.Tests.Infrastructure;

/// <summary>A monotonic clock that moves only when told to: no real time passes between two readings, however busy the machine.</summary>
internal sealed class FrozenClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

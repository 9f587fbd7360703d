using System.Globalization;
using System.Text;

namespace TrackerEvents.Diagnostics;

/// <summary>
/// A Prometheus histogram of durations with fixed buckets, cheap enough for the hot path: an observation
/// is a short scan of the bucket bounds (in <see cref="TimeProvider"/> timestamp ticks) and two interlocked adds, with
/// no lock and no allocation. Written from any thread; a read while others write is approximate, as
/// Prometheus expects of a scrape.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds: 50 µs to 10 s, about three per decade.</summary>
    private static readonly double[] BoundsSeconds =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts = new long[BoundsSeconds.Length + 1]; // the last one: above every bound
    private readonly long[] _boundsTicks;
    private readonly TimeProvider _time;
    private long _sumTicks;

    public LatencyHistogram(string name, string help, TimeProvider time)
    {
        Name = name;
        Help = help;
        _time = time;
        _boundsTicks = [.. BoundsSeconds.Select(s => (long)Math.Ceiling(s * time.TimestampFrequency))];
    }

    public string Name { get; }

    public string Help { get; }

    /// <summary>Observations so far.</summary>
    public long Count => _counts.Sum();

    /// <summary>Records <paramref name="times"/> observations of <paramref name="elapsedTicks"/> (timestamp ticks; negative counts as 0).</summary>
    public void Observe(long elapsedTicks, int times = 1)
    {
        if (times <= 0)
        {
            return;
        }

        var ticks = Math.Max(0, elapsedTicks);
        var bucket = 0;
        while (bucket < _boundsTicks.Length && ticks > _boundsTicks[bucket])
        {
            bucket++;
        }

        Interlocked.Add(ref _counts[bucket], times);
        Interlocked.Add(ref _sumTicks, ticks * times);
    }

    /// <summary>Records the time from <paramref name="startTimestamp"/> to <paramref name="endTimestamp"/>, a time the caller already read; a start of 0 means "unknown" and records nothing.</summary>
    public void ObserveBetween(long startTimestamp, long endTimestamp)
    {
        if (startTimestamp != 0)
        {
            Observe(endTimestamp - startTimestamp);
        }
    }

    /// <summary>Records the time from <paramref name="startTimestamp"/> (<see cref="TimeProvider.GetTimestamp"/>) to now; 0 means "unknown" and records nothing.</summary>
    public void ObserveSince(long startTimestamp, int times = 1)
    {
        if (startTimestamp != 0)
        {
            Observe(_time.GetTimestamp() - startTimestamp, times);
        }
    }

    /// <summary>Appends the histogram in the Prometheus text format: cumulative buckets, sum (seconds) and count.</summary>
    public void WriteTo(StringBuilder text)
    {
        text.Append(CultureInfo.InvariantCulture, $"# HELP {Name} {Help}\n# TYPE {Name} histogram\n");
        var cumulative = 0L;
        for (var i = 0; i < _counts.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            var bound = i < BoundsSeconds.Length ? BoundsSeconds[i].ToString("R", CultureInfo.InvariantCulture) : "+Inf";
            text.Append(CultureInfo.InvariantCulture, $"{Name}_bucket{{le=\"{bound}\"}} {cumulative}\n");
        }

        var sum = (double)Interlocked.Read(ref _sumTicks) / _time.TimestampFrequency;
        text.Append(CultureInfo.InvariantCulture, $"{Name}_sum {sum.ToString("R", CultureInfo.InvariantCulture)}\n{Name}_count {cumulative}\n");
    }
}

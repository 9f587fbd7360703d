using System.Text;
using TrackerEvents.Diagnostics;

namespace TrackerEvents.Tests.Units;

public sealed class LatencyHistogramTests
{
    private static readonly TimeProvider Time = TimeProvider.System;

    [Fact]
    public void Observations_LandInTheFirstBucketThatHoldsThem_Cumulatively()
    {
        var histogram = new LatencyHistogram("x_seconds", "Test.", Time);

        histogram.Observe(Ticks(0.0003));           // ≤ 0.0005
        histogram.Observe(Ticks(0.002), times: 3);  // ≤ 0.0025
        histogram.Observe(Ticks(60));               // above every bound
        histogram.Observe(-5);                      // a clock step back counts as 0

        var text = Text(histogram);
        text.Should().Contain("x_seconds_bucket{le=\"5E-05\"} 1\n");
        text.Should().Contain("x_seconds_bucket{le=\"0.00025\"} 1\n");
        text.Should().Contain("x_seconds_bucket{le=\"0.0005\"} 2\n");
        text.Should().Contain("x_seconds_bucket{le=\"0.001\"} 2\n");
        text.Should().Contain("x_seconds_bucket{le=\"0.0025\"} 5\n");
        text.Should().Contain("x_seconds_bucket{le=\"10\"} 5\n");
        text.Should().Contain("x_seconds_bucket{le=\"+Inf\"} 6\n");
        text.Should().Contain("x_seconds_count 6\n");
        double.Parse(text.Split('\n').Single(l => l.StartsWith("x_seconds_sum ", StringComparison.Ordinal))[14..],
            System.Globalization.CultureInfo.InvariantCulture).Should().BeApproximately(60.0063, 0.0001);
        histogram.Count.Should().Be(6);
    }

    [Fact]
    public void ObserveSince_AnUnknownStart_RecordsNothing()
    {
        var histogram = new LatencyHistogram("x_seconds", "Test.", Time);

        histogram.ObserveSince(0);
        histogram.ObserveSince(Time.GetTimestamp(), times: 2);

        histogram.Count.Should().Be(2);
    }

    [Fact]
    public void ObserveBetween_RecordsTheSpanOfTheTwoTimes_AndNothingForAnUnknownStart()
    {
        var histogram = new LatencyHistogram("x_seconds", "Test.", Time);
        var start = Time.GetTimestamp();

        histogram.ObserveBetween(0, start);
        histogram.ObserveBetween(start, start + Ticks(0.003)); // ≤ 0.005

        var text = Text(histogram);
        text.Should().Contain("x_seconds_bucket{le=\"0.0025\"} 0\n");
        text.Should().Contain("x_seconds_bucket{le=\"0.005\"} 1\n");
        text.Should().Contain("x_seconds_count 1\n");
    }

    [Fact]
    public void TheText_StartsWithHelpAndType()
    {
        Text(new LatencyHistogram("x_seconds", "What it is.", Time)).Should().StartWith("# HELP x_seconds What it is.\n# TYPE x_seconds histogram\n");
    }

    private static long Ticks(double seconds) => (long)(seconds * Time.TimestampFrequency);

    private static string Text(LatencyHistogram histogram)
    {
        var text = new StringBuilder();
        histogram.WriteTo(text);
        return text.ToString();
    }
}

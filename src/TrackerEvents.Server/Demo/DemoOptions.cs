using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Demo;

/// <summary>Section <c>Demo</c>: the seeded demo account and its simulator (embedded store only).</summary>
public sealed class DemoOptions
{
    /// <summary>Seed the demo account into an empty store. Default true.</summary>
    public bool Enabled { get; set; } = true;

    [Required]
    public string Login { get; set; } = "demo";

    [Required]
    public string Password { get; set; } = "demo";

    [Required]
    public string TimeZone { get; set; } = "Europe/Amsterdam";

    [Range(1, 10_000)]
    public int Trackers { get; set; } = 20;

    /// <summary>Move the demo user's trackers. Default true.</summary>
    public bool Simulator { get; set; } = true;

    /// <summary>Simulator tick; each tracker moves every 4 ticks. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SimulatorInterval { get; set; } = TimeSpan.FromSeconds(1);
}

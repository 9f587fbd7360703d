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

    /// <summary>
    /// How the simulator reports its vehicles: <c>osmand</c> (default: each vehicle sends its point to the
    /// device listener over HTTP, as a phone running OsmAnd would) or <c>store</c> (straight into the store,
    /// as the ingest API does). Readings always go straight into the store.
    /// </summary>
    [Required, RegularExpression("^(store|osmand)$", ErrorMessage = "Demo:SimulatorProtocol must be store or osmand.")]
    public string SimulatorProtocol { get; set; } = "osmand";

    /// <summary>Simulator tick; each tracker moves every 4 ticks. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SimulatorInterval { get; set; } = TimeSpan.FromSeconds(1);
}

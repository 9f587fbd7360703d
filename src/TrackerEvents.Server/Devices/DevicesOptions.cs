using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Devices;

/// <summary>Section <c>Devices</c>: the device listener (OsmAnd, Traccar Client) and the connection status that follows the devices.</summary>
public sealed class DevicesOptions
{
    /// <summary>Serve the device protocols. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Where devices report: one or more URLs separated by <c>;</c>, on ports of their own (nothing but the
    /// device protocols is served there, and the device protocols nowhere else). Default
    /// <c>http://0.0.0.0:5055</c>, Traccar's port for this protocol.
    /// </summary>
    [Required]
    public string Urls { get; set; } = "http://0.0.0.0:5055";

    /// <summary>
    /// The unit of <c>speed</c> in the query/form format: <c>knots</c> (default, as Traccar reads it),
    /// <c>kmh</c> or <c>mps</c>. The JSON format is always m/s. Stored as km/h.
    /// </summary>
    [Required, RegularExpression("^(knots|kmh|mps)$", ErrorMessage = "Devices:SpeedUnit must be knots, kmh or mps.")]
    public string SpeedUnit { get; set; } = "knots";

    /// <summary>Silence after which a reporting tracker turns <c>idle</c> (unless overridden per tracker). Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan IdleAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Silence after which a reporting tracker turns <c>offline</c> (unless overridden per tracker). Default 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan OfflineAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the connection-status sweep looks for silent trackers. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A point stamped further ahead of the server's clock than this is refused. Default 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Speed (km/h) from which a point counts as moving. Default 5 km/h: a phone standing still reads a few km/h.</summary>
    [Range(0.1, 1000)]
    public double MovingSpeed { get; set; } = 5;

    /// <summary>How long a tracker of unknown ignition stays <c>stopped</c> before it counts as <c>parked</c>. Default 5 min.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan ParkedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Largest request (body, or the query string of a GET), in bytes. Default 16 KiB.</summary>
    [Range(256, 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 16 * 1024;

    /// <summary>Most parameters (or <c>extras</c>) kept as <c>additional</c> values from one point. Default 32.</summary>
    [Range(0, 1000)]
    public int MaxAdditional { get; set; } = 32;

    /// <summary>Requests per <see cref="RateLimitWindow"/> per client address before 429. Default 1,000 (a gateway speaks for many devices).</summary>
    [Range(1, 10_000_000)]
    public int AddressRateLimit { get; set; } = 1000;

    /// <summary>Requests per <see cref="RateLimitWindow"/> per device id before 429. Default 10.</summary>
    [Range(1, 1_000_000)]
    public int DeviceRateLimit { get; set; } = 10;

    /// <summary>Window of <see cref="AddressRateLimit"/> and <see cref="DeviceRateLimit"/>. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>km/h per unit of <see cref="SpeedUnit"/>.</summary>
    internal double SpeedFactor => SpeedUnit switch
    {
        "kmh" => 1,
        "mps" => 3.6,
        _ => 1.852,
    };

    /// <summary>The URLs of <see cref="Urls"/>, one by one.</summary>
    internal string[] UrlList => Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

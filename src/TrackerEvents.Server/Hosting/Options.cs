using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Hosting;

/// <summary>Section <c>Sessions</c>: session hashes and API keys.</summary>
public sealed class UserSessionOptions
{
    /// <summary>Sliding lifetime of a session hash since its last use. Default 30 days.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Live sessions one user may hold before <c>user/auth</c> answers error 104. Default 1000.</summary>
    [Range(1, 1_000_000)]
    public int MaxPerUser { get; set; } = 1000;

    /// <summary>API keys one user may hold (Navixy: 20). Default 20.</summary>
    [Range(1, 1_000_000)]
    public int MaxApiKeysPerUser { get; set; } = 20;

    /// <summary>How often expired sessions are ended (and their connections told). Default 1 minute.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long ended sessions and lifecycle events are kept. Default 7 days.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan RetainEndedFor { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Section <c>Auth</c>: the login endpoint's defences.</summary>
public sealed class AuthOptions
{
    /// <summary>Failed logins per login within <see cref="FailedLoginWindow"/> before error 105. Default 5.</summary>
    [Range(1, 1_000_000)]
    public int MaxFailedLoginsPerLogin { get; set; } = 5;

    /// <summary>Failed logins per client address within <see cref="FailedLoginWindow"/> before error 105. Default 20.</summary>
    [Range(1, 1_000_000)]
    public int MaxFailedLoginsPerAddress { get; set; } = 20;

    /// <summary>How long failed logins count. Default 15 minutes.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Password checks running at once (each is ~50 ms of one core). Default 2.</summary>
    [Range(1, 64)]
    public int LoginConcurrency { get; set; } = 2;

    /// <summary>Logins waiting for a password check before error 15. Default 32.</summary>
    [Range(0, 10_000)]
    public int LoginQueue { get; set; } = 32;
}

/// <summary>Section <c>Api</c>: the Navixy-compatible HTTP API.</summary>
public sealed class ApiOptions
{
    /// <summary>Base path of the API. Default <c>/v2</c>.</summary>
    [Required, RegularExpression("^(/[A-Za-z0-9._~-]+)*$", ErrorMessage = "Api:BasePath must look like /v2 (or be empty).")]
    public string BasePath { get; set; } = "/v2";

    /// <summary>Requests per <see cref="RateLimitWindow"/> per hash before error 15. Default 50.</summary>
    [Range(1, 1_000_000)]
    public int RateLimit { get; set; } = 50;

    /// <summary>Requests per <see cref="RateLimitWindow"/> per client address before error 15. Default 50.</summary>
    [Range(1, 1_000_000)]
    public int AddressRateLimit { get; set; } = 50;

    /// <summary>Window of <see cref="RateLimit"/> and <see cref="AddressRateLimit"/>. Default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest request body, in bytes, before error 9. Default 256 KiB.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 256 * 1024;
}

/// <summary>Section <c>Admin</c>: the admin and ingest API.</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// Value of the <c>X-Api-Key</c> header. Required with PostgreSQL; with the embedded store a key is
    /// generated on first run, kept in the database and printed at start.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>Largest ingest request body, in bytes. Default 16 MiB.</summary>
    [Range(1024, 512 * 1024 * 1024)]
    public int MaxIngestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most items in one ingest batch. Default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchItems { get; set; } = 10_000;
}

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

/// <summary>Section <c>Hosting</c>: how the server sits behind a proxy.</summary>
public sealed class HostingOptions
{
    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> is trusted for the client address (rate limits, login
    /// throttle, logs). Default: loopback only (nginx on the same host).
    /// </summary>
    public string[] KnownProxies { get; set; } = ["127.0.0.1", "::1"];
}

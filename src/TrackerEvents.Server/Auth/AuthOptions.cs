using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Auth;

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

using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Auth;

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

namespace TrackerEvents.Auth;

/// <summary>One login attempt counted by <see cref="LoginThrottle"/>: its keys and when it was counted.</summary>
internal readonly record struct LoginAttempt(string LoginKey, string AddressKey, long At);

namespace TrackerEvents.Client;

/// <summary>
/// Error 4, "User or API key not found or session ended": the session was logged out, expired, or its user
/// was blocked or changed password. With a login and password the client logs in again by itself; with a
/// hash it asks <see cref="TrackerEventsClientOptions.RenewHash"/>, and throws this when it cannot.
/// </summary>
public sealed class SessionEndedException(string description, string action) : NavixyApiException(ErrorCode, description, action)
{
    /// <summary>The Navixy code of this error.</summary>
    public const int ErrorCode = 4;
}

namespace TrackerEvents.Client;

/// <summary>Error 15, "Too many requests (rate limit exceeded)": slow down and try again.</summary>
public sealed class TooManyRequestsException(string description, string action) : NavixyApiException(ErrorCode, description, action)
{
    /// <summary>The Navixy code of this error.</summary>
    public const int ErrorCode = 15;
}

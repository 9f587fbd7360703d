namespace TrackerEvents.Client;

/// <summary>Error 3, "Wrong hash": the hash is missing, malformed, invalid or revoked.</summary>
public sealed class WrongHashException(string description, string action) : NavixyApiException(ErrorCode, description, action)
{
    /// <summary>The Navixy code of this error.</summary>
    public const int ErrorCode = 3;
}

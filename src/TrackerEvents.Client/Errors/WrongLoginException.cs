namespace TrackerEvents.Client;

/// <summary>Error 102, "Wrong login or password", from <c>user/auth</c>.</summary>
public sealed class WrongLoginException(string description, string action) : NavixyApiException(ErrorCode, description, action)
{
    /// <summary>The Navixy code of this error.</summary>
    public const int ErrorCode = 102;
}

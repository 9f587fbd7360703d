namespace TrackerEvents.Client;

/// <summary>
/// An error answer of the API or of the event socket: <c>{"success":false,"status":{"code":N,"description":".."}}</c>
/// or <c>{"type":"error","status":{..}}</c>. The codes are the Navixy API's; the ones a backend reacts to have
/// their own type (<see cref="WrongHashException"/> 3, <see cref="SessionEndedException"/> 4,
/// <see cref="InvalidParametersException"/> 7, <see cref="TooManyRequestsException"/> 15,
/// <see cref="WrongLoginException"/> 102).
/// </summary>
public class NavixyApiException : Exception
{
    /// <summary>An error with its code, description and the call or action it answered.</summary>
    public NavixyApiException(int code, string description, string action)
        : base($"{action}: error {code} ({description})")
    {
        Code = code;
        Description = description;
        Action = action;
    }

    /// <summary>The Navixy error code (<c>status.code</c>).</summary>
    public int Code { get; }

    /// <summary>The error's description (<c>status.description</c>).</summary>
    public string Description { get; }

    /// <summary>The API method (<c>tracker/list</c>) or socket action (<c>subscription/subscribe</c>) that failed.</summary>
    public string Action { get; }

    /// <summary>The typed exception for a code.</summary>
    public static NavixyApiException For(int code, string description, string action, IReadOnlyList<ParameterError>? errors = null) => code switch
    {
        WrongHashException.ErrorCode => new WrongHashException(description, action),
        SessionEndedException.ErrorCode => new SessionEndedException(description, action),
        InvalidParametersException.ErrorCode => new InvalidParametersException(description, action, errors ?? []),
        TooManyRequestsException.ErrorCode => new TooManyRequestsException(description, action),
        WrongLoginException.ErrorCode => new WrongLoginException(description, action),
        _ => new NavixyApiException(code, description, action),
    };
}

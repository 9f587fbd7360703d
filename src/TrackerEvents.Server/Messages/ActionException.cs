using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>An action that cannot be carried out; it becomes an <c>error</c> message and the connection carries on.</summary>
internal sealed class ActionException(string action, ApiError error, IReadOnlyList<FieldError>? errors = null, string? reason = null)
    : Exception(reason ?? error.Description)
{
    public string Action { get; } = action;

    public ApiError Error { get; } = error;

    public IReadOnlyList<FieldError>? Errors { get; } = errors;

    public string? Reason { get; } = reason;
}

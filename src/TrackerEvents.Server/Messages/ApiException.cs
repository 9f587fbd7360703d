using TrackerEvents.Tracking;

namespace TrackerEvents.Messages;

/// <summary>Ends an API call with an error response.</summary>
internal sealed class ApiException(ApiError error, IReadOnlyList<FieldError>? errors = null) : Exception(error.Description)
{
    public ApiError Error { get; } = error;

    /// <summary>For code 7: which parameters are wrong and why.</summary>
    public IReadOnlyList<FieldError>? Errors { get; } = errors;

    public static ApiException Invalid(string parameter, string error) => new(ApiError.InvalidParameters, [new FieldError(parameter, error)]);
}

namespace TrackerEvents.Client;

/// <summary>Error 7, "Invalid parameters", with the parameters named by the server.</summary>
public sealed class InvalidParametersException(string description, string action, IReadOnlyList<ParameterError> errors)
    : NavixyApiException(ErrorCode, description, action)
{
    /// <summary>The Navixy code of this error.</summary>
    public const int ErrorCode = 7;

    /// <summary>Each wrong parameter and what is wrong with it (may be empty).</summary>
    public IReadOnlyList<ParameterError> Errors { get; } = errors;

    /// <inheritdoc />
    public override string Message =>
        Errors.Count == 0 ? base.Message : base.Message + ": " + string.Join("; ", Errors.Select(e => $"{e.Parameter}: {e.Error}"));
}

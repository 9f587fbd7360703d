namespace TrackerEvents.Tracking;

/// <summary>Collects "parameter → what is wrong" pairs while a request is validated.</summary>
internal sealed class FieldErrors
{
    private readonly List<FieldError> _errors = [];

    public bool Any => _errors.Count > 0;

    public IReadOnlyList<FieldError> Items => _errors;

    public void Add(string parameter, string error) => _errors.Add(new FieldError(parameter, error));
}

internal sealed record FieldError(string Parameter, string Error);

namespace TrackerEvents.Tracking;

/// <summary>
/// Where a field is in a request (<c>states[3].gps.location.lat</c>): a root and up to three names below it,
/// joined only when an error names the field. Valid input, nearly all of it, then costs no string per field.
/// </summary>
internal readonly record struct FieldPath(string Root, string? First = null, string? Second = null, string? Third = null)
{
    public static implicit operator FieldPath(string path) => new(path);

    /// <summary>The path of a field of this one (past three names, the path so far is joined once).</summary>
    public FieldPath Child(string name) =>
        First is null ? this with { First = name }
        : Second is null ? this with { Second = name }
        : Third is null ? this with { Third = name }
        : new FieldPath(ToString(), name);

    public override string ToString()
    {
        var path = Root;
        foreach (var name in (ReadOnlySpan<string?>)[First, Second, Third])
        {
            if (name is not null)
            {
                path = JsonFieldReader.Join(path, name);
            }
        }

        return path;
    }
}

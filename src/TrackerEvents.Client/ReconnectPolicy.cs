namespace TrackerEvents.Client;

/// <summary>
/// How long to wait before each reconnect: doubling from <see cref="InitialDelay"/> up to
/// <see cref="MaxDelay"/>, each wait drawn at random between half and all of it, so that many clients
/// dropped at once (a server restart) do not come back at the same instant.
/// </summary>
public sealed record ReconnectPolicy
{
    /// <summary>The wait before the first reconnect (default 1 s).</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait (default 30 s).</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait before reconnect number <paramref name="attempt"/> (0 for the first), with <paramref name="random"/> in [0, 1).</summary>
    public TimeSpan DelayFor(int attempt, double random)
    {
        var ceiling = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(ceiling, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + capped / 2 * random);
    }
}

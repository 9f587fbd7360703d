namespace TrackerEvents.Subscriptions;

/// <summary>
/// Where in each rate-limit period a connection's batch frames go out: point <see cref="Index"/> of
/// <see cref="Count"/> evenly spaced ones, by the client's number, so that consecutive connections take
/// turns. With one point every connection of a rate flushed in the same tick: 50 control-room frames of
/// 3.8 MB each at once, the last of them a second late and then a whole period behind (it was still being
/// sent at the next point). Connections of one point still share their frames (<see cref="BatchFrames"/>).
/// </summary>
internal readonly record struct BatchPhase(int Index, int Count)
{
    /// <summary>Every connection on one grid.</summary>
    public static readonly BatchPhase Single = new(0, 1);

    /// <summary>The phase of client number <paramref name="clientNumber"/> among <paramref name="count"/>.</summary>
    public static BatchPhase Of(long clientNumber, int count) => new((int)(((clientNumber % count) + count) % count), count);

    /// <summary>How far this phase's points lie after the multiples of <paramref name="period"/> (both in timestamp units).</summary>
    public long Offset(long period) => Count <= 1 ? 0 : period / Count * Index;
}

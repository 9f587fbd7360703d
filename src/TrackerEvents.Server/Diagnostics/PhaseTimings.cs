namespace TrackerEvents.Diagnostics;

/// <summary>
/// Where the time of one change goes, as histograms on <c>/metrics</c>: its commit, the way from the
/// commit to the clients' outboxes, and from there to the end of the socket write. Operators see the same
/// phase breakdown in production as the benchmarks report.
/// </summary>
internal sealed class PhaseTimings(TimeProvider time)
{
    /// <summary>Write transactions, from opening the connection to the end of the commit (SQLite's writer turn included).</summary>
    public LatencyHistogram Commit { get; } = new("trackerevents_store_commit_seconds",
        "Write transactions, from opening to the end of the commit (waiting for the writer's turn included).", time);

    /// <summary>Each change, from its commit (or its announcement by another node) to its routing to the clients watching it.</summary>
    public LatencyHistogram CommitToDispatch { get; } = new("trackerevents_commit_to_dispatch_seconds",
        "Changes, from their commit (or another node's announcement) to their routing to the clients' outboxes.", time);

    /// <summary>Reads of the change feed (query, rows and parse), the part of commit → dispatch that another node's changes pay.</summary>
    public LatencyHistogram FeedRead { get; } = new("trackerevents_feed_read_seconds",
        "Reads of the change feed: the query, its rows and their parse (each read, not each change).", time);

    /// <summary>Each state event written to a socket, from the routing of its change to the end of the write.</summary>
    public LatencyHistogram DispatchToWrite { get; } = new("trackerevents_dispatch_to_write_seconds",
        "State events, from the routing of their change to the end of their write to a client's connection.", time);

    public IReadOnlyList<LatencyHistogram> All => [Commit, CommitToDispatch, FeedRead, DispatchToWrite];

    /// <summary>Now, as a timestamp for <see cref="LatencyHistogram.ObserveSince"/>.</summary>
    public long Now() => time.GetTimestamp();

    /// <summary>The earlier of two timestamps, 0 meaning none.</summary>
    public static long Earliest(long a, long b) => a == 0 ? b : b == 0 ? a : Math.Min(a, b);
}

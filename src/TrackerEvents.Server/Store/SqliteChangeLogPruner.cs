using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;

namespace TrackerEvents.Store;

/// <summary>
/// Keeps SQLite's log of state changes (<c>state_changes</c>, <c>sql/sqlite/0007_state_change_log.sql</c>) short:
/// every <see cref="StoreOptions.ChangeLogPruneInterval"/> it deletes, in version order, the entries whose
/// tracker's state has moved on to a later version (or whose state row is gone): those that the server's writes
/// left (<see cref="StateChangeLog"/>) and those of other writers. The feed skips them anyway; what stays is
/// one entry per state row, at its current version, and the entries written since.
/// </summary>
/// <remarks>
/// The log is walked in rounds, from its start to its end and then from the start again, in chunks of at most
/// <see cref="ChunkSize"/> entries. Which entries of a chunk have moved on is read outside the writer's turn; the
/// turn is taken, between two commits, only to delete them. A tick visits at least <see cref="MinVisitsPerTick"/>
/// entries, and twice as many as the writes left since the last tick, so the rounds outpace them: in steady state
/// the log holds about twice as many entries as there are state rows. An entry that was current when it was
/// visited is deleted in a later round. Deleting an entry never hides a change from a reader: the entry of the
/// current version stays.
/// </remarks>
internal sealed partial class SqliteChangeLogPruner(IStoreDialect dialect, StateChangeLog log, IOptions<StoreOptions> options,
    ILogger<SqliteChangeLogPruner> logger, TimeProvider time) : PeriodicUpkeep(time)
{
    /// <summary>Most entries visited in one chunk (and deleted in one write transaction).</summary>
    public const int ChunkSize = 1_000;

    /// <summary>Fewest entries a tick visits (unless it reaches the end of the log).</summary>
    public const int MinVisitsPerTick = 2_000;

    // The next entries of the round, each with whether its state has moved on (or its row is gone). Read outside
    // the writer's turn: finding each entry's state row is most of the work, and it reads pages anywhere in the table.
    private const string NextChunk = """
        SELECT c.version AS Version, c.version IS NOT (SELECT st.version FROM tracker_states st WHERE st.tracker_id = c.tracker_id) AS MovedOn
          FROM (SELECT version, tracker_id FROM state_changes WHERE version > @After ORDER BY version LIMIT @Limit) c
        """;

    private long _cursor; // the round has visited the entries up to this version
    private long _deleted;

    /// <summary>Entries deleted since start.</summary>
    public long Deleted => Interlocked.Read(ref _deleted);

    protected override TimeSpan Interval => options.Value.ChangeLogPruneInterval;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => PruneAsync(cancellationToken);

    protected override void LogFailed(Exception exception) => LogFailed(logger, exception);

    /// <summary>One tick: visits the next entries of the round and deletes those whose state has moved on.</summary>
    /// <returns>The entries deleted.</returns>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        var budget = Math.Max(MinVisitsPerTick, 2 * log.TakeLeft());
        var deleted = 0;
        while (budget > 0)
        {
            var limit = (int)Math.Min(ChunkSize, budget);
            var (entries, last, gone) = await PruneChunkAsync(connection, _cursor, limit, cancellationToken);
            deleted += gone;
            budget -= limit;
            if (entries < limit)
            {
                _cursor = 0; // the end of the log: the next round starts from the beginning
                break;
            }

            _cursor = last;
        }

        Interlocked.Add(ref _deleted, deleted);
        return deleted;
    }

    // An entry found moved on stays so (a state's version only grows): only the deletes need the writer's turn.
    private async Task<(long Entries, long Last, int Deleted)> PruneChunkAsync(DbConnection connection, long after, int limit,
        CancellationToken cancellationToken)
    {
        var entries = (await connection.QueryAsync<Entry>(new CommandDefinition(NextChunk, new { After = after, Limit = limit },
            cancellationToken: cancellationToken))).AsList();
        long[] movedOn = [.. entries.Where(e => e.MovedOn).Select(e => e.Version)];
        if (movedOn.Length > 0)
        {
            await using var write = await dialect.BeginWriteAsync(connection, cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(dialect.DeleteLoggedVersions!, new { Versions = dialect.IdList(movedOn) },
                write.Transaction, cancellationToken: cancellationToken));
            await write.Transaction.CommitAsync(cancellationToken);
        }

        return (entries.Count, entries.Count > 0 ? entries[^1].Version : after, movedOn.Length);
    }

    [LoggerMessage(EventId = LogEvents.ChangeLogPruneFailed, Level = LogLevel.Warning, Message = "Pruning the SQLite change log failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    private sealed class Entry
    {
        public long Version { get; set; }
        public bool MovedOn { get; set; }
    }
}

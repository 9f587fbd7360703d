using Dapper;
using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;

namespace TrackerEvents.Store;

/// <summary>
/// Copies the SQLite write-ahead log back into the database file every
/// <see cref="StoreOptions.CheckpointInterval"/>, off the write path. SQLite's own automatic checkpoint
/// runs inside the commit that crosses 1,000 log pages, and from then on in every commit while readers
/// keep it from finishing; each one syncs the files, so an ingest request paid milliseconds per commit
/// for it. Here the connections turn that off (<see cref="SqliteDialect"/>) and a passive checkpoint,
/// which neither waits for nor blocks writers and readers, keeps the log short: once it has been copied
/// in full, the next writer starts it again from the beginning. Under continuous writes and reads it may
/// never be copied in full, and the log would grow without end (240 MB after 12 minutes of ingest, for a
/// 323 KB database): past <see cref="StoreOptions.WalSizeLimit"/> a restarting checkpoint runs with this
/// process's writers held back and waits for the readers of the old log, so that the next writer starts
/// the log again from the beginning and trims the file to the limit (<c>journal_size_limit</c>). When no
/// writer came since the last restart, a truncating checkpoint empties the file instead.
/// </summary>
/// <remarks>
/// Not a truncating checkpoint every time: with 10,000 device points a second the log passes 64 MB every
/// two seconds, and truncating it held the writers back for 40–140 ms each time, although everything had
/// been copied already; restarting it holds them for 5–15 ms.
/// </remarks>
internal sealed partial class SqliteCheckpointer(IStoreDialect dialect, IOptions<StoreOptions> options, TimeProvider time, ILogger<SqliteCheckpointer> logger)
    : PeriodicUpkeep(time)
{
    private readonly SqliteDialect _sqlite = (SqliteDialect)dialect;
    private long _completed;
    private long _restarted;
    private long _restartedAt = -1; // the log's size at the last restart, -1 when a writer has been since

    /// <summary>Checkpoints that ran to the end of what they could copy, since start.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Checkpoints past the limit (restarting or truncating the log), since start.</summary>
    public long Restarted => Interlocked.Read(ref _restarted);

    /// <summary>The size of the write-ahead log file now, in bytes (0 when there is none).</summary>
    public long WalSize => new FileInfo(_sqlite.DatabasePath + "-wal") is { Exists: true } file ? file.Length : 0;

    protected override TimeSpan Interval => options.Value.CheckpointInterval;

    protected override void LogFailed(Exception exception) => LogFailed(logger, exception);

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(PASSIVE)", cancellationToken: cancellationToken));
        var size = WalSize;
        if (size > options.Value.WalSizeLimit)
        {
            var idle = size == _restartedAt; // no writer restarted the log and trimmed the file since
            await _sqlite.WithWritersHeldAsync(() => connection.ExecuteAsync(new CommandDefinition(
                idle ? "PRAGMA wal_checkpoint(TRUNCATE)" : "PRAGMA wal_checkpoint(RESTART)", cancellationToken: cancellationToken)), cancellationToken);
            _restartedAt = idle ? -1 : size;
            Interlocked.Increment(ref _restarted);
        }

        Interlocked.Increment(ref _completed);
    }

    [LoggerMessage(EventId = LogEvents.CheckpointFailed, Level = LogLevel.Warning, Message = "SQLite checkpoint failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

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
/// 323 KB database): past <see cref="StoreOptions.WalSizeLimit"/> a truncating checkpoint runs with this
/// process's writers held back, waits for the readers of the old log, and leaves the log empty.
/// </summary>
internal sealed partial class SqliteCheckpointer(IStoreDialect dialect, IOptions<StoreOptions> options, TimeProvider time, ILogger<SqliteCheckpointer> logger)
    : BackgroundService
{
    private readonly SqliteDialect _sqlite = (SqliteDialect)dialect;
    private long _completed;
    private long _truncated;

    /// <summary>Checkpoints that ran to the end of what they could copy, since start.</summary>
    public long Completed => Interlocked.Read(ref _completed);

    /// <summary>Truncating checkpoints, since start.</summary>
    public long Truncated => Interlocked.Read(ref _truncated);

    /// <summary>The size of the write-ahead log file now, in bytes (0 when there is none).</summary>
    public long WalSize => new FileInfo(_sqlite.DatabasePath + "-wal") is { Exists: true } file ? file.Length : 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var connection = await dialect.OpenAsync(stoppingToken);
                await connection.ExecuteAsync(new CommandDefinition("PRAGMA wal_checkpoint(PASSIVE)", cancellationToken: stoppingToken));
                if (WalSize > options.Value.WalSizeLimit)
                {
                    await _sqlite.WithWritersHeldAsync(() => connection.ExecuteAsync(
                        new CommandDefinition("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken: stoppingToken)), stoppingToken);
                    Interlocked.Increment(ref _truncated);
                }

                Interlocked.Increment(ref _completed);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!failing)
                {
                    LogFailed(logger, e);
                    failing = true;
                }
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.CheckpointFailed, Level = LogLevel.Warning, Message = "SQLite checkpoint failed; retrying")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

using System.Data.Common;
using Dapper;
using TrackerEvents.Diagnostics;
using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

/// <summary>
/// The one way into the database: reads on a pooled connection, and writes in the dialect's write
/// transaction, committed and then announced on the <see cref="ChangeSignal"/>, so that no write can
/// forget to wake the change feed readers. A write that knows the state changes it made, with their versions,
/// remembers them (<see cref="WrittenStates"/>) and hands them to this process's dispatcher after the commit
/// (<see cref="ChangeHandoff"/>).
/// </summary>
internal sealed class Database(IStoreDialect dialect, ChangeSignal signal, ChangeHandoff handoff, WrittenStates written, PhaseTimings timings)
{
    public IStoreDialect Dialect => dialect;

    /// <summary>The engine-dependent statements, composed once for this dialect.</summary>
    public StoreStatements Statements { get; } = new(dialect);

    /// <summary>Runs <paramref name="read"/> on a connection of its own.</summary>
    public async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await dialect.OpenAsync(cancellationToken);
        return await read(connection);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in the dialect's write transaction (<see cref="IStoreDialect.BeginWriteAsync"/>),
    /// commits it, and then wakes the feed readers. If the work throws, the transaction is rolled back and
    /// nobody is woken. Every write is announced, also one that created no version: that costs the
    /// readers one feed read that finds nothing, never a change.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction, _) => work(connection, transaction), cancellationToken);

    /// <summary>
    /// <see cref="WriteAsync{T}(Func{DbConnection, DbTransaction, Task{T}}, CancellationToken)"/>, for work that adds to
    /// <c>handed</c> the state changes it made, each with its version (read inside the transaction) and JSON. When it
    /// added any, they must be every versioned change of the transaction: after the commit (never before: a
    /// rolled-back version can be given out again) they are remembered (<see cref="WrittenStates"/>) and handed
    /// over (<see cref="ChangeHandoff"/>), and the dispatcher is woken without a feed read.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, HandedStates, Task<T>> work, CancellationToken cancellationToken)
    {
        T result;
        var handed = new HandedStates();
        var committed = false;
        var started = timings.Now();
        var committedAt = 0L;
        handoff.WriteStarted();
        try
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            await using var write = await dialect.BeginWriteAsync(connection, cancellationToken);
            result = await work(connection, write.Transaction, handed);
            await write.Transaction.CommitAsync(cancellationToken);
            committed = true;
            committedAt = timings.Now();
            timings.Commit.Observe(committedAt - started);
        }
        finally
        {
            // After the commit, and after SQLite's writer turn is given up: a reader woken now sees the
            // change. Also when ending the transaction or closing the connection failed after the commit.
            EndWrite(committed, handed, committedAt);
        }

        return result;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a connection outside a transaction block, for one statement that is a write
    /// transaction of its own (<see cref="IStoreDialect.WriteStates"/>). Null from the work: it wrote nothing. Else
    /// the state changes it added to <c>handed</c>, each with its version, were committed by that statement, and are
    /// remembered and handed over as a transaction's are.
    /// </summary>
    public async Task<T?> WriteInOneStatementAsync<T>(Func<DbConnection, HandedStates, Task<T?>> work, CancellationToken cancellationToken)
        where T : class
    {
        var handed = new HandedStates();
        var started = timings.Now();
        T? result = null;
        handoff.WriteStarted();
        try
        {
            await using var connection = await dialect.OpenAsync(cancellationToken);
            result = await work(connection, handed);
        }
        finally
        {
            var committedAt = 0L;
            if (result is not null)
            {
                committedAt = timings.Now();
                timings.Commit.Observe(committedAt - started);
            }

            EndWrite(result is not null, handed, committedAt);
        }

        return result;
    }

    /// <inheritdoc cref="WriteAsync{T}"/>
    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken) =>
        WriteAsync<bool>(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Ends a write begun with <see cref="ChangeHandoff.WriteStarted"/>: a committed write's changes are handed over
    /// first (a dispatcher that sees the write ended finds them), then the dispatcher is woken, to take them, or to
    /// read the feed for a commit that handed nothing over. Nothing committed wakes nobody: a dispatcher that waited
    /// for this write's hand-over reads the feed when its wait is over (StoreOptions.HandOverWait). The changes are
    /// remembered last, before the write returns: only a later write's merge looks for them, and one that comes
    /// sooner reads its rows instead, so remembering (a copy per state kept as JSON) is not on the way to the viewers.
    /// </summary>
    private void EndWrite(bool committed, HandedStates handed, long committedAt)
    {
        var handing = committed && handed.Count > 0;
        if (handing)
        {
            handoff.Post(handed.Changes, committedAt);
        }

        handoff.WriteEnded();
        if (handing)
        {
            signal.NotifyHanded();
            written.Remember(handed);
        }
        else if (committed)
        {
            signal.Notify();
        }
    }

    /// <summary>Succeeds when the database answers a trivial query.</summary>
    public Task PingAsync(CancellationToken cancellationToken) =>
        ReadAsync(connection => connection.ExecuteScalarAsync<long>(Command("SELECT 1", null, cancellationToken)), cancellationToken);

    /// <summary>A Dapper command; pass the transaction inside <see cref="WriteAsync{T}"/>.</summary>
    public static CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken,
        DbTransaction? transaction = null) => new(sql, parameters, transaction, cancellationToken: cancellationToken);
}

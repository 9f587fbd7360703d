using System.Data.Common;

namespace TrackerEvents.Store;

/// <summary>
/// What differs between the SQL engines the store runs on. Everything else in the store is plain,
/// parameterised SQL that both engines accept.
/// </summary>
internal interface IStoreDialect : IAsyncDisposable
{
    /// <summary>Folder name under <c>sql/</c> that holds this engine's migrations.</summary>
    string Name { get; }

    /// <summary>Opens a pooled connection, configured for this engine.</summary>
    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Begins the transaction used for read-modify-write batches. It must keep concurrent writers of
    /// the same rows out until commit (SQLite: BEGIN IMMEDIATE; PostgreSQL: rows locked by
    /// <see cref="SelectStatesForUpdate"/>). Dispose the result to end it.
    /// </summary>
    ValueTask<WriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    // Statements that take a list of ids (@TrackerIds) differ: Npgsql takes the array as one parameter
    // ("= ANY(@TrackerIds)"); SQLite has no arrays, and Dapper's "IN @TrackerIds" expansion makes one
    // named parameter per id, which costs quadratic time to bind (each name is looked up by a linear
    // search: 10,000 ids took over a second), so SQLite gets one JSON array ("IN (SELECT value FROM
    // json_each(@TrackerIds))").

    /// <summary>The value to pass as <c>@TrackerIds</c> for these ids.</summary>
    object IdList(long[] ids);

    /// <summary>The highest committed version: where a feed reader that needs no history starts.</summary>
    string SelectCurrentVersion { get; }

    /// <summary>The stored state rows of the given trackers (<c>@TrackerIds</c>).</summary>
    string SelectStates { get; }

    /// <summary>
    /// The states of the given trackers that exist, with version, owner, source and blocked flag
    /// (a subscribe's snapshot).
    /// </summary>
    string SelectSnapshot { get; }

    /// <summary>The stored readings rows of the given trackers, ordered by tracker, kind and key.</summary>
    string SelectReadings { get; }

    /// <summary>
    /// Inside a write transaction: the ids among <c>@TrackerIds</c> of trackers that exist and are not
    /// corrupted, kept from concurrent ingest writers until commit (so that rows not created yet, which
    /// cannot be locked, are covered too).
    /// </summary>
    string SelectLiveTrackersForWrite { get; }

    /// <summary>The trackers among <c>@TrackerIds</c> that belong to <c>@UserId</c>, as <see cref="TrackerRow"/>.</summary>
    string SelectUserTrackers { get; }

    /// <summary>Reads the stored state rows of the given trackers so that they can be merged and written back.</summary>
    string SelectStatesForUpdate { get; }

    /// <summary>Reads the stored readings rows of the given trackers so that they can be merged and written back.</summary>
    string SelectReadingsForUpdate { get; }

    /// <summary>
    /// Serialises concurrent migrators (several nodes starting at once) for the whole migration run,
    /// the creation of the migrations table included. Dispose the result to release it.
    /// </summary>
    ValueTask<IAsyncDisposable> LockForMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>True when the exception means the database cannot be reached at all (as opposed to a failed statement).</summary>
    bool IsUnavailable(Exception exception);
}

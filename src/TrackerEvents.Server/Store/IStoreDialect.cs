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
    /// <see cref="SelectStatesForUpdate"/>).
    /// </summary>
    ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>Reads the stored state rows of the given trackers so that they can be merged and written back.</summary>
    string SelectStatesForUpdate { get; }

    /// <summary>Reads the stored readings rows of the given trackers so that they can be merged and written back.</summary>
    string SelectReadingsForUpdate { get; }

    /// <summary>Serialises concurrent migrators (several nodes starting at once).</summary>
    Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>True when the exception means the database cannot be reached at all (as opposed to a failed statement).</summary>
    bool IsUnavailable(Exception exception);
}

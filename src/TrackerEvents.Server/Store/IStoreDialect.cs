using System.Data.Common;

namespace TrackerEvents.Store;

/// <summary>
/// What differs between the SQL engines the store runs on: connections, the write transaction, the
/// id-list and row-lock fragments that <see cref="StoreStatements"/> composes statements from, and a few
/// engine-specific statements. Everything else in the store is plain, parameterised SQL that both
/// engines accept.
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
    /// <see cref="ForUpdate"/> and <see cref="ForNoKeyUpdate"/>). Dispose the result to end it.
    /// </summary>
    ValueTask<WriteTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    // Statements that take a list of ids (@TrackerIds) differ: Npgsql takes the array as one parameter
    // ("= ANY(@TrackerIds)"); SQLite has no arrays, and Dapper's "IN @TrackerIds" expansion makes one
    // named parameter per id, which costs quadratic time to bind (each name is looked up by a linear
    // search: 10,000 ids took over a second), so SQLite gets one JSON array ("IN (SELECT value FROM
    // json_each(@TrackerIds))").

    /// <summary>The value to pass as <c>@TrackerIds</c> for these ids.</summary>
    object IdList(long[] ids);

    /// <summary>
    /// The predicate that follows a column to test it against the ids in <c>@TrackerIds</c>
    /// (<c>tracker_id</c> + this). Constant SQL: it names the parameter and holds no value.
    /// </summary>
    string InTrackerIds { get; }

    /// <summary>
    /// The clause that locks the selected rows until commit, so that they can be merged and written
    /// back; empty when <see cref="BeginWriteAsync"/> already keeps every other writer out.
    /// </summary>
    string ForUpdate { get; }

    /// <summary>
    /// Like <see cref="ForUpdate"/>, for rows that are not rewritten themselves but stand for rows that
    /// are: it must not conflict with foreign-key checks of rows that refer to them.
    /// </summary>
    string ForNoKeyUpdate { get; }

    /// <summary>The highest committed version: where a feed reader that needs no history starts.</summary>
    string SelectCurrentVersion { get; }

    /// <summary>
    /// Takes a block of <c>@Count</c> versions inside a write transaction and returns the highest, for state
    /// writes that stamp their rows' versions themselves: each row is written once, with its version, and the
    /// versioning trigger (there for other writers) does not fire. On PostgreSQL it also takes the version lock.
    /// </summary>
    string ReserveVersions { get; }

    /// <summary>
    /// The SQL for a state's stored JSON from the parameter <c>@State</c>, which holds it as UTF-8 bytes: the
    /// column is text, and the bytes go to the engine without a string made of them in between.
    /// </summary>
    string StateFromUtf8 { get; }

    /// <summary>
    /// The SQL for the stored JSON of the state column <c>st.state</c> as UTF-8 bytes, the form it is parsed
    /// from: read as text, it would be made into a string only to be encoded back.
    /// </summary>
    string StateAsUtf8 { get; }

    /// <summary>
    /// Where the engine takes arrays: the UPDATE of many state rows in one statement, from the arrays
    /// <c>@TrackerIds</c>, <c>@States</c> (UTF-8) and <c>@ReportedAts</c> (null elements: no report), which reserves
    /// a block of versions itself (as <see cref="ReserveVersions"/> does) and stamps the rows with them in order,
    /// returning the id of each tracker whose row it updated and the block's first version; when it updated every
    /// row it also sends the chunks in <c>@Carried</c> to the other nodes (<see cref="CarriedChanges"/>). Null: the
    /// versions are reserved with <see cref="ReserveVersions"/>, and each row is updated by a statement of its own.
    /// </summary>
    string? UpdateStates { get; }

    /// <summary>
    /// Where the engine finds changed states through a log of their versions (SQLite's <c>state_changes</c>): the
    /// statement that deletes the log's entries of the versions in <c>@Versions</c> (an id list, <see cref="IdList"/>),
    /// which a write has just superseded; null: no log (PostgreSQL reads the states' version index).
    /// </summary>
    string? DeleteLoggedVersions { get; }

    /// <summary>
    /// Where the engine runs a state write as one statement outside a transaction block (PostgreSQL:
    /// <c>sql/postgres/0008_write_states.sql</c>, one pass since 0009): the call that writes the rows of <c>@TrackerIds</c>, <c>@States</c>
    /// and <c>@ReportedAts</c> as <see cref="UpdateStates"/> does, if every row is still at its version in
    /// <c>@Expected</c> and every tracker has the owner, source and blocked flag in <c>@Owners</c>, <c>@Sources</c>
    /// and <c>@Blocked</c>, sending the chunks in <c>@Carried</c> to the other nodes (<see cref="CarriedChanges"/>);
    /// it returns the block's first version, or null when it wrote nothing. Null: none.
    /// </summary>
    string? WriteStates { get; }

    /// <summary>
    /// Where the engine keeps that log: the statement that reads its entries after <c>@After</c> as (version, tracker id),
    /// in version order, at most <c>@Limit</c> of them (<see cref="StateVersions"/>); null: no log.
    /// </summary>
    string? SelectLoggedStates { get; }

    /// <summary>
    /// Where a write may take its trackers' owners and flags from memory (<see cref="TrackerOwners"/>): the
    /// statement that reads the counter of changes to them (SQLite's <c>tracker_generation</c>); null: every write
    /// reads them with its trackers' locks (PostgreSQL, where the lock is what keeps concurrent writers apart).
    /// </summary>
    string? SelectTrackerGeneration { get; }

    /// <summary>
    /// The change feed's read, where the engine has its own (PostgreSQL: a function planned once per
    /// connection); null: <see cref="ChangeFeed"/>'s statement. Parameters <c>@After</c> and <c>@Limit</c>.
    /// </summary>
    string? ReadChanges { get; }

    /// <summary>
    /// The statement that answers the database's text encoding when it is not UTF-8, and no row when it is: states
    /// are UTF-8 text, written and read as bytes, so a database in another encoding is refused at start rather than
    /// failing (or misreading) the first state with a character outside it.
    /// </summary>
    string NotUtf8 { get; }

    /// <summary>
    /// Serialises concurrent migrators (several nodes starting at once) for the whole migration run,
    /// the creation of the migrations table included. Dispose the result to release it.
    /// </summary>
    ValueTask<IAsyncDisposable> LockForMigrationAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>True when the exception means the database cannot be reached at all (as opposed to a failed statement).</summary>
    bool IsUnavailable(Exception exception);
}

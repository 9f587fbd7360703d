using System.Data.Common;
using Dapper;

namespace TrackerEvents.Store;

/// <summary>
/// All data access: users, sessions, trackers, states, readings and the change feed. One class over
/// the <see cref="IStoreDialect"/> seam; the SQL is plain and parameterised, the same for every engine
/// except for the statements the dialect supplies.
/// </summary>
internal sealed partial class TrackerStore(IStoreDialect dialect, ChangeSignal signal, TimeProvider time)
{
    private readonly StoreStatements _statements = new(dialect);

    public IStoreDialect Dialect => dialect;

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    private ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken) => dialect.OpenAsync(cancellationToken);

    private static CommandDefinition Command(string sql, object? parameters, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>Succeeds when the database answers a trivial query.</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long>(Command("SELECT 1", null, cancellationToken));
    }

    public async Task<string?> GetSettingAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(Command(
            "SELECT value FROM server_settings WHERE name = @Name", new { Name = name }, cancellationToken));
    }

    /// <summary>Stores a setting unless one exists; returns the stored value either way.</summary>
    public async Task<string> GetOrAddSettingAsync(string name, string value, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync(Command(
            "INSERT INTO server_settings (name, value) VALUES (@Name, @Value) ON CONFLICT (name) DO NOTHING",
            new { Name = name, Value = value }, cancellationToken));
        return await connection.QuerySingleAsync<string>(Command(
            "SELECT value FROM server_settings WHERE name = @Name", new { Name = name }, cancellationToken));
    }
}

using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>Named values the server keeps in the database (<c>server_settings</c>), such as a generated admin key.</summary>
internal sealed class ServerSettings(Database database)
{
    /// <summary>Stores a setting unless one exists; returns the stored value either way.</summary>
    public Task<string> GetOrAddAsync(string name, string value, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(Command(
                "INSERT INTO server_settings (name, value) VALUES (@Name, @Value) ON CONFLICT (name) DO NOTHING",
                new { Name = name, Value = value }, cancellationToken, transaction));
            return await connection.QuerySingleAsync<string>(Command(
                "SELECT value FROM server_settings WHERE name = @Name", new { Name = name }, cancellationToken, transaction));
        }, cancellationToken);
}

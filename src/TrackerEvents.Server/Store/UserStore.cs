using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>Users: creation, look-up, blocking and passwords.</summary>
internal sealed class UserStore(Database database, TimeProvider time)
{
    private const string SelectUser =
        "SELECT id AS Id, login AS Login, password_hash AS PasswordHash, time_zone AS TimeZone, blocked AS Blocked, created_at AS CreatedAt FROM users";

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<long> CreateUserAsync(string login, string? passwordHash, string timeZone, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            // ON CONFLICT rather than a check first: on PostgreSQL two concurrent creators would both pass the
            // check and one would fail on the unique index instead of reporting the taken login.
            var id = await connection.ExecuteScalarAsync<long?>(Command("""
                INSERT INTO users (login, password_hash, time_zone, blocked, created_at) VALUES (@Login, @PasswordHash, @TimeZone, FALSE, @Now)
                ON CONFLICT (login) DO NOTHING RETURNING id
                """, new { Login = login, PasswordHash = passwordHash, TimeZone = timeZone, Now = NowMs }, cancellationToken, transaction));
            return id ?? throw new StoreConflictException(StoreConflict.LoginInUse, "Login already in use");
        }, cancellationToken);

    public Task<UserRow?> FindUserAsync(string login, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<UserRow>(Command(
            SelectUser + " WHERE login = @Login", new { Login = login }, cancellationToken)), cancellationToken);

    public Task<UserRow?> FindUserAsync(long id, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<UserRow>(Command(
            SelectUser + " WHERE id = @Id", new { Id = id }, cancellationToken)), cancellationToken);

    /// <summary>
    /// Blocks or unblocks a user. Blocking ends every session and API key of the user, so that their
    /// connections get <c>logout</c>; unblocking does not bring them back.
    /// </summary>
    public Task SetUserBlockedAsync(long userId, bool blocked, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(Command("UPDATE users SET blocked = @Blocked WHERE id = @Id",
                new { Blocked = blocked, Id = userId }, cancellationToken, transaction));
            if (blocked)
            {
                await connection.ExecuteAsync(Command(
                    "UPDATE sessions SET ended_at = @Now, end_reason = 'user_blocked' WHERE user_id = @Id AND ended_at IS NULL",
                    new { Now = NowMs, Id = userId }, cancellationToken, transaction));
            }
        }, cancellationToken);

    /// <summary>Sets a new password and ends the user's standard sessions (API keys survive, as in Navixy).</summary>
    public Task SetPasswordAsync(long userId, string passwordHash, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(Command("UPDATE users SET password_hash = @PasswordHash WHERE id = @Id",
                new { PasswordHash = passwordHash, Id = userId }, cancellationToken, transaction));
            await connection.ExecuteAsync(Command(
                "UPDATE sessions SET ended_at = @Now, end_reason = 'password_changed' WHERE user_id = @Id AND kind = 'session' AND ended_at IS NULL",
                new { Now = NowMs, Id = userId }, cancellationToken, transaction));
        }, cancellationToken);

    /// <summary>Re-hashes a password whose stored hash uses weaker parameters; sessions are untouched.</summary>
    public Task UpgradePasswordHashAsync(long userId, string passwordHash, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(Command(
            "UPDATE users SET password_hash = @PasswordHash WHERE id = @Id",
            new { PasswordHash = passwordHash, Id = userId }, cancellationToken, transaction)), cancellationToken);
}

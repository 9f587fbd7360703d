using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>Sessions and API keys, stored under the SHA-256 of their hash.</summary>
internal sealed class SessionStore(Database database, TimeProvider time)
{
    // A close request matters for as long as a node may retain the client (a minute); an hour is plenty.
    private const long KeepClientClosesMs = 3_600_000;

    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Records a new session or API key under the SHA-256 of its hash. Fails with
    /// <see cref="StoreConflict.TooManySessions"/> when the user already holds <paramref name="limit"/>
    /// live ones of that kind.
    /// </summary>
    public Task<long> CreateSessionAsync(long userId, string tokenHash, string kind, string? title, long? expiresAt, int limit,
        CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = NowMs;
            var live = await connection.ExecuteScalarAsync<long>(Command(
                "SELECT COUNT(*) FROM sessions WHERE user_id = @UserId AND kind = @Kind AND ended_at IS NULL AND (expires_at IS NULL OR expires_at > @Now)",
                new { UserId = userId, Kind = kind, Now = now }, cancellationToken, transaction));
            if (live >= limit)
            {
                throw new StoreConflictException(StoreConflict.TooManySessions, "Too many live sessions");
            }

            return await connection.ExecuteScalarAsync<long>(Command("""
                INSERT INTO sessions (user_id, token_hash, kind, title, created_at, last_used_at, expires_at)
                VALUES (@UserId, @TokenHash, @Kind, @Title, @Now, @Now, @ExpiresAt) RETURNING id
                """, new { UserId = userId, TokenHash = tokenHash, Kind = kind, Title = title, Now = now, ExpiresAt = expiresAt },
                cancellationToken, transaction));
        }, cancellationToken);

    public Task<SessionRow?> FindSessionAsync(string tokenHash, CancellationToken cancellationToken) =>
        database.ReadAsync(connection => connection.QuerySingleOrDefaultAsync<SessionRow>(Command("""
            SELECT s.id AS Id, s.user_id AS UserId, s.kind AS Kind, s.last_used_at AS LastUsedAt, s.expires_at AS ExpiresAt,
                   s.ended_at AS EndedAt, s.end_reason AS EndReason, u.login AS Login, u.time_zone AS TimeZone, u.blocked AS UserBlocked
              FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = @TokenHash
            """, new { TokenHash = tokenHash }, cancellationToken)), cancellationToken);

    /// <summary>The user's API keys that were not deleted (or ended by blocking the user), in creation order.</summary>
    public Task<IReadOnlyList<ApiKeyRow>> ListApiKeysAsync(long userId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<ApiKeyRow>>(async connection => (await connection.QueryAsync<ApiKeyRow>(Command("""
            SELECT id AS Id, token_hash AS TokenHash, title AS Title, created_at AS CreatedAt
              FROM sessions WHERE user_id = @UserId AND kind = 'api_key' AND ended_at IS NULL ORDER BY id
            """, new { UserId = userId }, cancellationToken))).AsList(), cancellationToken);

    /// <summary>Slides a live session's expiry forward.</summary>
    public Task TouchSessionAsync(long sessionId, long expiresAt, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteAsync(Command(
            "UPDATE sessions SET last_used_at = @Now, expires_at = @ExpiresAt WHERE id = @Id AND ended_at IS NULL",
            new { Now = NowMs, ExpiresAt = expiresAt, Id = sessionId }, cancellationToken, transaction)), cancellationToken);

    /// <summary>Ends one session; false if it had already ended.</summary>
    public async Task<bool> EndSessionAsync(long sessionId, string reason, CancellationToken cancellationToken) =>
        await database.WriteAsync((connection, transaction) => connection.ExecuteAsync(Command(
            "UPDATE sessions SET ended_at = @Now, end_reason = @Reason WHERE id = @Id AND ended_at IS NULL",
            new { Now = NowMs, Reason = reason, Id = sessionId }, cancellationToken, transaction)), cancellationToken) > 0;

    /// <summary>
    /// Marks sessions past their expiry as ended (which puts them in the change feed, so their
    /// connections get <c>logout</c>) and deletes sessions that ended before <paramref name="forgetBefore"/>.
    /// </summary>
    public Task<int> ExpireSessionsAndPruneAsync(long forgetBefore, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var now = NowMs;
            // The deletes first: the update takes versions, and on PostgreSQL a transaction holds the version
            // lock from its first versioned row until commit, keeping every other versioning writer waiting
            // (sql/postgres/0001_initial.sql).
            await connection.ExecuteAsync(Command("DELETE FROM sessions WHERE ended_at IS NOT NULL AND ended_at < @Before",
                new { Before = forgetBefore }, cancellationToken, transaction));
            await connection.ExecuteAsync(Command("DELETE FROM lifecycle_events WHERE occurred_at < @Before",
                new { Before = forgetBefore }, cancellationToken, transaction));
            await connection.ExecuteAsync(Command("DELETE FROM client_closes WHERE closed_at < @Before",
                new { Before = now - KeepClientClosesMs }, cancellationToken, transaction));
            return await connection.ExecuteAsync(Command(
                "UPDATE sessions SET ended_at = @Now, end_reason = 'expired' WHERE ended_at IS NULL AND expires_at IS NOT NULL AND expires_at <= @Now",
                new { Now = now }, cancellationToken, transaction));
        }, cancellationToken);
}

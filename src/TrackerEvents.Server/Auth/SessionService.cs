using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TrackerEvents.Messages;
using TrackerEvents.Store;

namespace TrackerEvents.Auth;

/// <summary>A hash that checked out: whose it is and how their dates are shown.</summary>
internal sealed record AuthenticatedSession(long SessionId, long UserId, string Login, bool IsApiKey, TimeZoneInfo TimeZone);

/// <summary>
/// An API key as <c>api/key/list</c> shows it: the key itself is not kept, so its <see cref="SessionService.Fingerprint"/>
/// stands in for it (<c>api/key/delete</c> takes either).
/// </summary>
internal sealed record ApiKeyListing(string Fingerprint, string? Title, DateTimeOffset CreatedAt);

/// <summary>
/// Issues and checks session hashes and API keys. A hash is 128 bits from a CSPRNG written as 32
/// lowercase hex characters; the store keeps only its SHA-256.
/// </summary>
internal sealed class SessionService(SessionStore store, IOptions<UserSessionOptions> options, TimeProvider time)
{
    public const string SessionKind = "session";
    public const string ApiKeyKind = "api_key";

    /// <summary>
    /// Validates a hash: error 3 for a missing or malformed one (not 32 hex digits), 4 for a well-formed one
    /// that is not a live session or key: unknown, ended, expired, or ended so long ago that it was forgotten.
    /// Code 4 is the one clients answer by logging in again, so a forgotten session must not turn into 3.
    /// </summary>
    public async Task<AuthenticatedSession> RequireAsync(string? hash, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(hash))
        {
            throw new ApiException(ApiError.WrongHash);
        }

        var row = await store.FindSessionAsync(Digest(hash!), cancellationToken) ?? throw new ApiException(ApiError.SessionEnded);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (row.EndedAt is not null || row.UserBlocked || row.ExpiresAt <= now)
        {
            throw new ApiException(ApiError.SessionEnded);
        }

        // Slide the expiry, at most once a minute per session to keep reads read-only.
        if (row.Kind == SessionKind && now - row.LastUsedAt >= 60_000)
        {
            await store.TouchSessionAsync(row.Id, now + (long)options.Value.Lifetime.TotalMilliseconds, cancellationToken);
        }

        return new AuthenticatedSession(row.Id, row.UserId, row.Login, row.Kind == ApiKeyKind, FindZone(row.TimeZone));
    }

    public async Task<string> CreateSessionAsync(long userId, CancellationToken cancellationToken)
    {
        var hash = NewHash();
        var expiresAt = time.GetUtcNow().Add(options.Value.Lifetime).ToUnixTimeMilliseconds();
        await Create(userId, hash, SessionKind, null, expiresAt, options.Value.MaxPerUser, ApiError.LoginsLimit, cancellationToken);
        return hash;
    }

    public async Task<string> CreateApiKeyAsync(long userId, string? title, CancellationToken cancellationToken)
    {
        var hash = NewHash();
        await Create(userId, hash, ApiKeyKind, title, null, options.Value.MaxApiKeysPerUser, ApiError.OverQuota, cancellationToken);
        return hash;
    }

    /// <summary>The user's live API keys, oldest first.</summary>
    public async Task<IReadOnlyList<ApiKeyListing>> ListApiKeysAsync(long userId, CancellationToken cancellationToken) =>
        [.. (await store.ListApiKeysAsync(userId, cancellationToken))
            .Select(k => new ApiKeyListing(Fingerprint(k.TokenHash), k.Title, DateTimeOffset.FromUnixTimeMilliseconds(k.CreatedAt)))];

    /// <summary>
    /// Deletes one of the user's API keys, named by the key itself or by its fingerprint; false if the user has
    /// no such live key. It ends like a session: its connections get <c>logout</c>, and the key answers error 4.
    /// </summary>
    public async Task<bool> DeleteApiKeyAsync(long userId, string key, CancellationToken cancellationToken)
    {
        var digest = IsWellFormed(key) ? Digest(key) : null;
        var named = key.ToLowerInvariant();
        var match = (await store.ListApiKeysAsync(userId, cancellationToken)).FirstOrDefault(k => k.TokenHash == digest || Fingerprint(k.TokenHash) == named);
        return match is not null && await store.EndSessionAsync(match.Id, "api_key_deleted", cancellationToken);
    }

    /// <summary>
    /// What stands in for an API key where it would be shown again: the first 32 hex digits of its stored
    /// SHA-256. It names the key and cannot be used as one.
    /// </summary>
    public static string Fingerprint(string tokenHash) => tokenHash[..32];

    /// <summary>Renews a standard session's expiry (<c>user/session/renew</c>).</summary>
    public Task RenewAsync(AuthenticatedSession session, CancellationToken cancellationToken) =>
        store.TouchSessionAsync(session.SessionId, time.GetUtcNow().Add(options.Value.Lifetime).ToUnixTimeMilliseconds(), cancellationToken);

    public Task LogoutAsync(AuthenticatedSession session, CancellationToken cancellationToken) =>
        store.EndSessionAsync(session.SessionId, "logout", cancellationToken);

    public static bool IsWellFormed(string? hash) => hash is { Length: 32 } && hash.All(char.IsAsciiHexDigit);

    /// <summary>SHA-256 of the (lower-cased) hash, as stored.</summary>
    public static string Digest(string hash) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(hash.ToLowerInvariant())));

    public static TimeZoneInfo FindZone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;

    private static string NewHash() => RandomNumberGenerator.GetHexString(32, lowercase: true);

    private async Task Create(long userId, string hash, string kind, string? title, long? expiresAt, int limit, ApiError overLimit,
        CancellationToken cancellationToken)
    {
        try
        {
            await store.CreateSessionAsync(userId, Digest(hash), kind, title, expiresAt, limit, cancellationToken);
        }
        catch (StoreConflictException e) when (e.Conflict == StoreConflict.TooManySessions)
        {
            throw new ApiException(overLimit);
        }
    }
}

using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using TrackerEvents.Messages;
using TrackerEvents.Store;

namespace TrackerEvents.Auth;

/// <summary>
/// <c>user/auth</c>: checks a login and password and opens a session. Failed logins are throttled per
/// login and per address (<see cref="LoginThrottle"/>); password checks cost ~50 ms of a core each, so
/// only <see cref="AuthOptions.LoginConcurrency"/> run at once and a few more wait, so that a login flood
/// cannot take the cores that deliver events.
/// </summary>
internal sealed class LoginService : IDisposable
{
    private readonly UserStore _users;
    private readonly SessionService _sessions;
    private readonly LoginThrottle _throttle;
    private readonly PasswordHasher<UserRow> _hasher;
    private readonly ConcurrencyLimiter _passwordChecks;
    private readonly Lazy<string> _dummyHash;

    public LoginService(UserStore users, SessionService sessions, LoginThrottle throttle, PasswordHasher<UserRow> hasher, IOptions<AuthOptions> options)
    {
        (_users, _sessions, _throttle, _hasher) = (users, sessions, throttle, hasher);
        _passwordChecks = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.LoginConcurrency,
            QueueLimit = options.Value.LoginQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        _dummyHash = new(() => hasher.HashPassword(new UserRow(), "not a password"));
    }

    /// <summary>A new session hash for the user; <see cref="ApiException"/> with the Navixy error otherwise.</summary>
    public async Task<string> LoginAsync(string login, string password, string address, CancellationToken cancellationToken)
    {
        if (!_throttle.TryReserve(login, address, out var attempt))
        {
            throw new ApiException(ApiError.LoginAttemptsLimit);
        }

        var settled = false; // counted as a failure, or forgiven as a success
        try
        {
            using var permit = await _passwordChecks.AcquireAsync(1, cancellationToken);
            if (!permit.IsAcquired)
            {
                throw new ApiException(ApiError.TooManyRequests);
            }

            var user = await _users.FindUserAsync(login, cancellationToken);
            var verdict = user?.PasswordHash is { } stored
                ? _hasher.VerifyHashedPassword(user, stored, password)
                : DummyVerify(password);
            if (user is null || verdict == PasswordVerificationResult.Failed)
            {
                settled = true;
                throw new ApiException(ApiError.WrongLogin);
            }

            _throttle.Succeeded(attempt);
            settled = true;
            if (user.Blocked)
            {
                throw new ApiException(ApiError.UserBlocked);
            }

            if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            {
                await _users.UpgradePasswordHashAsync(user.Id, _hasher.HashPassword(user, password), cancellationToken);
            }

            return await _sessions.CreateSessionAsync(user.Id, cancellationToken);
        }
        finally
        {
            if (!settled)
            {
                _throttle.Release(attempt); // never checked (no permit, the store failed): not a failure
            }
        }
    }

    public void Dispose() => _passwordChecks.Dispose();

    /// <summary>Spends the same time on an unknown login as on a known one, so timing does not reveal which logins exist.</summary>
    private PasswordVerificationResult DummyVerify(string password)
    {
        _hasher.VerifyHashedPassword(new UserRow(), _dummyHash.Value, password);
        return PasswordVerificationResult.Failed;
    }
}

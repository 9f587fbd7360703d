using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TrackerEvents.Client.Json;

namespace TrackerEvents.Client.Api;

/// <summary>
/// The hash every call and action carries, and what happens when it stops being accepted (error 3 or 4, a
/// <c>logout</c> event): with a login and password, <c>user/auth</c> again; with a hash, the consumer's
/// <see cref="TrackerEventsClientOptions.RenewHash"/>; otherwise the session is over. Renewals are shared: many
/// calls failing with the same hash log in once.
/// </summary>
internal sealed class Session(ApiCaller api, TrackerEventsClientOptions options) : IDisposable
{
    private readonly SemaphoreSlim _renewing = new(1, 1);
    private readonly ILogger _logger = options.Logger ?? NullLogger.Instance;
    private string? _hash = (options.Credentials as Credentials.HashCredentials)?.Value;

    /// <summary>True once the consumer logged out: a session ended on purpose is not renewed.</summary>
    public bool LoggedOut { get; private set; }

    /// <summary>The current hash, logging in first if there is none yet.</summary>
    public async ValueTask<string> HashAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref _hash) ?? await RenewAsync(null, cancellationToken).ConfigureAwait(false)
        ?? throw new SessionEndedException("Logged out", "user/auth");

    /// <summary>
    /// A new hash in place of <paramref name="failed"/> (null: the first login), or null when there is no way to
    /// get one. A caller whose hash was already replaced gets the replacement without another login.
    /// </summary>
    public async Task<string?> RenewAsync(string? failed, CancellationToken cancellationToken)
    {
        await _renewing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_hash is not null && _hash != failed)
            {
                return _hash;
            }

            if (LoggedOut)
            {
                return null;
            }

            string? renewed = null;
            if (options.Credentials is Credentials.PasswordCredentials password)
            {
                if (failed is not null)
                {
                    ClientLog.LoggingInAgain(_logger, password.Login);
                }

                renewed = (await api.CallAsync("user/auth", null, w =>
                {
                    w.WriteString("login", password.Login);
                    w.WriteString("password", password.Secret);
                }, ClientJson.Default.AuthAnswer, cancellationToken).ConfigureAwait(false)).Hash;
            }
            else if (failed is not null && options.RenewHash is { } renew)
            {
                renewed = await renew(cancellationToken).ConfigureAwait(false);
            }

            Volatile.Write(ref _hash, renewed ?? _hash);
            return renewed;
        }
        finally
        {
            _renewing.Release();
        }
    }

    /// <summary>Ends the session (<c>user/logout</c>); it is not renewed after that.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _hash) is not { } hash)
        {
            return;
        }

        LoggedOut = true;
        await api.SendAsync("user/logout", hash, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A call with the current hash; when it is refused as ended or wrong, once more with a renewed one.</summary>
    public async Task<T> CallAsync<T>(string method, Action<Utf8JsonWriter>? parameters, JsonTypeInfo<T> answer, CancellationToken cancellationToken)
    {
        var hash = await HashAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await api.CallAsync(method, hash, parameters, answer, cancellationToken).ConfigureAwait(false);
        }
        catch (NavixyApiException e) when (e is SessionEndedException or WrongHashException)
        {
            var renewed = await RenewAsync(hash, cancellationToken).ConfigureAwait(false);
            if (renewed is null)
            {
                throw;
            }

            return await api.CallAsync(method, renewed, parameters, answer, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _renewing.Dispose();
}

namespace TrackerEvents.Client;

/// <summary>
/// How the client authenticates: a login and password (it calls <c>user/auth</c>, and logs in again when the
/// session ends), or a hash it is given (an API key, or a session hash obtained elsewhere).
/// </summary>
public abstract record Credentials
{
    private protected Credentials()
    {
    }

    /// <summary>A login and password for <c>user/auth</c>; the client logs in again by itself when the session ends.</summary>
    public static Credentials Password(string login, string password) => new PasswordCredentials(login, password);

    /// <summary>An API key's hash or a session hash (32 hexadecimal digits); when it ends the client cannot renew it by itself.</summary>
    public static Credentials Hash(string hash) => new HashCredentials(hash);

    internal sealed record PasswordCredentials(string Login, string Secret) : Credentials
    {
        // The password stays out of logs and exception messages.
        public override string ToString() => $"Password({Login}, ***)";
    }

    internal sealed record HashCredentials(string Value) : Credentials
    {
        public override string ToString() => $"Hash({Value[..Math.Min(4, Value.Length)]}…)";
    }
}

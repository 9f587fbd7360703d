namespace TrackerEvents.Hosting;

/// <summary>Section <c>Hosting</c>: how the server sits behind a proxy.</summary>
public sealed class HostingOptions
{
    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> is trusted for the client address (rate limits, login
    /// throttle, logs). Default: loopback only (nginx on the same host).
    /// </summary>
    public string[] KnownProxies { get; set; } = ["127.0.0.1", "::1"];
}

using Microsoft.AspNetCore.Cors.Infrastructure;

namespace TrackerEvents.Api;

/// <summary>
/// Cross-origin access to the HTTP API and to the event endpoint's HTTP transports, for monitoring pages
/// served from another origin: ASP.NET Core's CORS middleware with one policy from <see cref="ApiOptions.AllowedOrigins"/>.
/// A request from an origin the policy does not allow gets no CORS headers (a preflight is still answered
/// 204), so the browser withholds the answer from the page; same-origin pages and non-browser clients need none.
/// </summary>
internal static class ApiCors
{
    public const string PolicyName = "navixy-api";

    /// <summary>The event endpoint outside the API base path (Connections/AtmosphereExtensions maps it there too).</summary>
    private const string EventEndpoint = "/event/subscription";

    /// <summary>
    /// The request headers a page may send: the body's type, the hash (<c>Authorization: NVX …</c>), the date
    /// style, and the Atmosphere parameters, which atmosphere.js sends as headers when told not to drop them.
    /// </summary>
    private static readonly string[] Headers =
    [
        "Content-Type", "Authorization", "NVX-ISO-DateTime",
        "X-Atmosphere-Framework", "X-Atmosphere-Transport", "X-Atmosphere-tracking-id", "X-Atmosphere-TrackMessageSize",
        "X-Heartbeat-Server", "X-atmo-protocol",
    ];

    /// <summary>The policy for the configured origins: none (same origin only), <c>*</c> (any), or the ones listed.</summary>
    public static CorsPolicy Policy(IReadOnlyCollection<string> origins)
    {
        var policy = new CorsPolicyBuilder()
            .WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders(Headers)
            .WithExposedHeaders("X-Atmosphere-tracking-id")
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
        if (origins.Contains("*"))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins([.. origins]);
        }

        return policy.Build();
    }

    /// <summary>Whether the policy applies to a request: the API under its base path, and the event endpoint's transports.</summary>
    public static bool Covers(PathString path, string basePath) =>
        path.StartsWithSegments(basePath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(EventEndpoint, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// An allowed origin as a browser sends it: <c>*</c>, or <c>http(s)://host[:port]</c> with nothing after it
    /// (no path, no trailing slash, no default port: such an entry would never match).
    /// </summary>
    public static bool IsOrigin(string origin) =>
        origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.GetLeftPart(UriPartial.Authority).Equals(origin, StringComparison.OrdinalIgnoreCase));
}

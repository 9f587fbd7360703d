using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace TrackerEvents.Page;

/// <summary>
/// The monitoring page as a feature: the static files of <c>wwwroot/</c> (copied next to the server's
/// assembly at build) served at <c>/</c>, and <c>/config.json</c>, which tells the page where the API is and
/// which tile server, if any, the operator configured. A content security policy limits the page to its own
/// origin, plus the tile server's.
/// </summary>
internal static class PageExtensions
{
    /// <summary>Where the page's files are: next to the server's assembly, whatever the content root.</summary>
    public static string FilesDirectory => Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static IServiceCollection AddPage(this IServiceCollection services)
    {
        services.AddOptions<PageOptions>().BindConfiguration("Page").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<PageOptions>, PageOptionsValidation>();
        return services;
    }

    /// <param name="app">The server.</param>
    /// <param name="apiBasePath">Where the Navixy API is (<c>/v2</c>); the page calls it relative to itself.</param>
    public static WebApplication MapPage(this WebApplication app, string apiBasePath)
    {
        var page = app.Services.GetRequiredService<IOptions<PageOptions>>().Value;
        if (!page.Enabled)
        {
            return app;
        }

        var files = new PhysicalFileProvider(FilesDirectory);
        var policy = SecurityPolicy(page);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context => SetPageHeaders(context.Context.Response, policy),
        });
        app.MapGet("/config.json", (HttpResponse response) =>
        {
            SetPageHeaders(response, policy);
            return Results.Json(new
            {
                api = apiBasePath.TrimStart('/'),
                tile_url = page.TileUrl,
                tile_attribution = page.TileAttribution,
                tile_max_zoom = page.TileMaxZoom,
            });
        });
        return app;
    }

    /// <summary>
    /// Revalidated on every load (the files are not fingerprinted, and an upgrade must not leave an old script
    /// running against a new server), confined to this origin, never framed.
    /// </summary>
    private static void SetPageHeaders(HttpResponse response, string policy)
    {
        response.Headers.CacheControl = "no-cache";
        response.Headers.ContentSecurityPolicy = policy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>Only this origin (its WebSocket included), plus the tile server's images when one is configured.</summary>
    internal static string SecurityPolicy(PageOptions page)
    {
        var tiles = page.TileUrl is { } url ? " " + TileOrigin(url) : "";
        return "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + $"img-src 'self'{tiles}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }

    /// <summary>The scheme, host and port of a tile URL template.</summary>
    internal static string TileOrigin(string template) =>
        new Uri(template.Replace("{z}", "0", StringComparison.Ordinal).Replace("{x}", "0", StringComparison.Ordinal)
            .Replace("{y}", "0", StringComparison.Ordinal)).GetLeftPart(UriPartial.Authority);

    private sealed class PageOptionsValidation : IValidateOptions<PageOptions>
    {
        public ValidateOptionsResult Validate(string? name, PageOptions options)
        {
            if (options.TileUrl is not { } url)
            {
                return ValidateOptionsResult.Success;
            }

            var placeholders = url.Contains("{z}", StringComparison.Ordinal) && url.Contains("{x}", StringComparison.Ordinal)
                && url.Contains("{y}", StringComparison.Ordinal);
            var absolute = Uri.TryCreate(url.Replace('{', '_').Replace('}', '_'), UriKind.Absolute, out var uri)
                && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);
            return placeholders && absolute
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Page:TileUrl '{url}' must be an http(s) URL with {{z}}, {{x}} and {{y}}, e.g. https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png.");
        }
    }
}

using Microsoft.Playwright;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// Headless Chromium from Debian's package, driven by Playwright (no browser download: the package's own
/// binary). One browser per test class; each test opens its own context, so nothing is shared between tests.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string Binary = "/usr/bin/chromium";

    /// <summary>Without these a sandboxed, offline machine spends the first seconds on refused connections.</summary>
    private static readonly string[] Flags =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Why a browser test cannot run here, or null. In CI it must run (.ci/run installs chromium).</summary>
    public static string? SkipReason => !File.Exists(Binary) && !Engines.InCi
        ? "chromium is not installed (apt-get install chromium); .ci/run installs it."
        : null;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException($"{Binary} is not installed: apt-get install chromium (.ci/run does).");

    public async Task InitializeAsync()
    {
        if (!File.Exists(Binary))
        {
            return; // skipped locally; in CI, Browser throws the reason
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Binary, Headless = true, Args = Flags });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Runs when Chromium is installed; in CI it always runs (and fails without it).</summary>
internal sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Skip = Chromium.SkipReason;
    }
}

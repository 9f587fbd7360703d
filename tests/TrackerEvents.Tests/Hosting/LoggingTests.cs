using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Hosting;

public sealed class LoggingTests
{
    [Fact]
    public async Task LogLevelsFromConfiguration_FilterWhatIsWritten()
    {
        // The test server runs with Logging:LogLevel:Default=Warning and Logging:LogLevel:TrackerEvents=Information.
        await using var server = await RunningServer.StartAsync();
        await server.CreateUserAsync("lee", password: null);
        await using (var socket = await AtmosphereSocket.ConnectAsync(server))
        {
        }

        server.App.Services.GetRequiredService<NLog.LogFactory>().Flush(TimeSpan.FromSeconds(5));
        var log = string.Concat(System.IO.Directory.GetFiles(Path.Combine(server.Directory, "logs")).Select(ReadShared));

        log.Should().Contain("\"logger\":\"TrackerEvents.", "Information of the server's own categories is written");
        log.Should().NotContain("Request starting", "Information of Microsoft.AspNetCore is below the configured Warning");
    }

    [Fact]
    public async Task TheRequestLog_IsOffEntirelyUnlessConfigured_AndThenWritten()
    {
        // Off entirely, not merely below the level: while it is on at any level, each request gets a scope and an Activity.
        const string requests = "Microsoft.AspNetCore.Hosting.Diagnostics";
        await using (var quiet = await RunningServer.StartAsync())
        {
            quiet.Service<ILoggerFactory>().CreateLogger(requests).IsEnabled(LogLevel.Critical).Should().BeFalse();
        }

        await using var server = await RunningServer.StartAsync($"Logging:LogLevel:{requests}=Information");
        (await server.Http.GetAsync("/health/live")).EnsureSuccessStatusCode();

        server.App.Services.GetRequiredService<NLog.LogFactory>().Flush(TimeSpan.FromSeconds(5));
        var log = string.Concat(System.IO.Directory.GetFiles(Path.Combine(server.Directory, "logs")).Select(ReadShared));
        log.Should().Contain("Request starting", "a configured level of the category is honoured");
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

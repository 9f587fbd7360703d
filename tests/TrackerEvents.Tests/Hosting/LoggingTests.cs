using Microsoft.Extensions.DependencyInjection;
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

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

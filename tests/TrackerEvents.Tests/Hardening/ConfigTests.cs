using NLog;
using NLog.Targets;
using TrackerEvents.Tests.Architecture;

namespace TrackerEvents.Tests.Hardening;

/// <summary>What the shipped configuration files promise.</summary>
public sealed class ConfigTests
{
    private static string Config(string name) => Path.Combine(SourceTree.ServerDirectory, "..", "..", "config", name);

    [Fact]
    public void TheShippedLogConfig_CapsTheFilesBySizeAndCount()
    {
        var factory = new NLog.LogFactory();
        factory.Setup().LoadConfigurationFromFile(Config("NLog.config"), optional: false);
        var file = factory.Configuration!.AllTargets.OfType<FileTarget>().Single();

        file.ArchiveAboveSize.Should().BeInRange(1, 1024L * 1024 * 1024);
        file.MaxArchiveFiles.Should().BeInRange(1, 100);
    }

    [Fact]
    public void TheShippedNginxConfig_LogsNoQueryStrings_AndDoesNotProxyTheAdminApi()
    {
        var nginx = File.ReadAllText(Config("nginx-cluster.conf"));

        nginx.Should().Contain("access_log /var/log/nginx/trackerevents.access.log trackerevents;");
        nginx.Should().Contain("access_log /var/log/nginx/trackerevents-devices.access.log trackerevents;", "a device request's query string is its id and position");
        nginx.Should().MatchRegex(@"log_format trackerevents [^;]*\$uri").And.NotContain("$request ").And.NotContain("$args'").And.NotContain("$request_uri");
        nginx.Should().Contain("location ~ ^/(admin|ingest|metrics)(/|$)");
    }
}

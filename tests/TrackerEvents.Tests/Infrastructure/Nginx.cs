using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// nginx (the Debian package) in front of server nodes, running the repository's own
/// <c>config/nginx-cluster.conf</c> with its upstream addresses and port replaced.
/// </summary>
internal sealed class Nginx : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/nginx";
    private readonly Process _process;
    private readonly string _directory;

    private Nginx(Process process, string directory, int port, int devicePort)
    {
        _process = process;
        _directory = directory;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        DeviceAddress = new Uri($"http://127.0.0.1:{devicePort}");
    }

    public Uri BaseAddress { get; }

    /// <summary>The proxy's port for phones and trackers, in front of the nodes' device listeners.</summary>
    public Uri DeviceAddress { get; }

    public static bool Installed => File.Exists(Binary);

    /// <summary>Why a cluster test cannot run here, or null. In CI it must run (.ci/run installs nginx).</summary>
    public static string? SkipReason => !Installed && !Engines.InCi ? "nginx is not installed (apt-get install nginx-light); .ci/run installs it." : null;

    public static async Task<Nginx> StartAsync(ServerProcess nodeA, ServerProcess nodeB)
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", "nginx-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0x1FF); // workers may run as another user when started by root
        }
        var port = FreePort();
        var devicePort = FreePort();
        var cluster = (await File.ReadAllTextAsync(Path.Combine(AtmosphereJsClient.CompatDirectory, "..", "..", "config", "nginx-cluster.conf")))
            .Replace("127.0.0.1:8081", nodeA.BaseAddress.Authority, StringComparison.Ordinal)
            .Replace("127.0.0.1:8082", nodeB.BaseAddress.Authority, StringComparison.Ordinal)
            .Replace("127.0.0.1:28081", nodeA.DeviceAddress!.Authority, StringComparison.Ordinal)
            .Replace("127.0.0.1:28082", nodeB.DeviceAddress!.Authority, StringComparison.Ordinal)
            .Replace("listen 8080;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal)
            .Replace("listen 5055;", $"listen 127.0.0.1:{devicePort};", StringComparison.Ordinal)
            .Replace("/var/log/nginx/", directory + "/", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(directory, "cluster.conf"), cluster);
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/cluster.conf;
            }
            """);
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { "-p", directory, "-c", Path.Combine(directory, "nginx.conf") })
        {
            info.ArgumentList.Add(arg);
        }

        var nginx = new Nginx(Process.Start(info)!, directory, port, devicePort);
        await Eventually.Until(async () =>
        {
            if (nginx._process.HasExited)
            {
                throw new InvalidOperationException("nginx exited: " + await nginx._process.StandardError.ReadToEndAsync());
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(10), "nginx to listen");
        return nginx;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>The server as a separate process (dotnet TrackerEvents.Server.dll), as it runs in production: killable with SIGKILL.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private ServerProcess(Process process, string directory)
    {
        _process = process;
        Directory = directory;
    }

    public string Directory { get; }

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The node's device listener (on a free loopback port); null when <c>Devices:Enabled=false</c>.</summary>
    public Uri? DeviceAddress { get; private set; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public IEnumerable<string> Output => _output;

    public static async Task<ServerProcess> StartAsync(params string[] settings)
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TrackerEvents.Server.dll"));
        foreach (var setting in new[] { "urls=http://127.0.0.1:0", "Devices:Urls=http://127.0.0.1:0", "Demo:Enabled=false", $"Logging:Directory={directory}/logs" }.Concat(settings))
        {
            info.ArgumentList.Add("--" + setting);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var server = new ServerProcess(Process.Start(info)!, directory);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var devices = new TaskCompletionSource<Uri?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (settings.Contains("Devices:Enabled=false"))
        {
            devices.SetResult(null);
        }

        server._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            server._output.Enqueue(e.Data);
            if (Listening().Match(e.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
            else if (DevicesListening().Match(e.Data) is { Success: true } device)
            {
                devices.TrySetResult(new Uri(device.Groups[1].Value));
            }
        };
        server._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                server._output.Enqueue(e.Data);
            }
        };
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.BaseAddress = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
            server.DeviceAddress = await devices.Task.WaitAsync(TimeSpan.FromSeconds(30)); // logged right after
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new TimeoutException("The server process did not start: " + string.Join(" | ", server._output));
        }

        return server;
    }

    /// <summary>SIGKILL: the process dies on the spot, without closing anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"TrackerEvents listening on (http://[0-9.]+:[0-9]+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"Devices report to (http://[0-9.]+:[0-9]+)")]
    private static partial Regex DevicesListening();
}

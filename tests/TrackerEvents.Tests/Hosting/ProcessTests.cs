using System.Diagnostics;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Hosting;

/// <summary>The server as its users run it: a process, started from the built assembly, stopped with Ctrl+C (SIGINT).</summary>
public sealed class ProcessTests
{
    private static string ServerAssembly => Path.Combine(AppContext.BaseDirectory, "TrackerEvents.Server.dll");

    [Fact]
    public async Task CtrlC_ShutsTheServerDownCleanly_WithinTheShutdownTimeout()
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var server = Start(directory, "--urls=http://127.0.0.1:0", "--Devices:Urls=http://127.0.0.1:0", $"--ConnectionStrings:Tracker=Data Source={directory}/t.db",
            "--Demo:Enabled=true", "--Demo:Simulator=true", $"--Logging:Directory={directory}/logs");
        var started = new TaskCompletionSource();
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            output.Enqueue(e.Data);
            if (e.Data.Contains("Application started", StringComparison.Ordinal))
            {
                started.TrySetResult();
            }
        };
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();

        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        output.Should().Contain(l => l.Contains("Demo login: demo / demo")).And.Contain(l => l.Contains("Admin API key (X-Api-Key):"))
            .And.Contain(l => l.Contains("TrackerEvents listening on http://127.0.0.1:")).And.Contain(l => l.Contains("Monitoring page: http://127.0.0.1:"))
            .And.Contain(l => l.Contains("Garbage collector: server, young generation collected after at most 16 MB allocated"),
                "the server's runtimeconfig selects the server collector and caps the young generation's budget, which keeps its pauses short");
        using (var kill = Process.Start("kill", ["-INT", server.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        var watch = Stopwatch.StartNew();
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        server.ExitCode.Should().Be(0);
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30), "the host's default shutdown timeout is 30 s");
        File.Exists(Path.Combine(directory, "logs", $"trackerevents-{DateTime.Now:yyyy-MM-dd}.log")).Should().BeTrue("the rolling file log is written");
    }

    [Fact]
    public async Task ABadSetting_ExitsWithCode1_AndAMessageNamingIt()
    {
        var directory = Path.Combine(Path.GetTempPath(), "trackerevents-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        using var server = Start(directory, "--urls=http://127.0.0.1:0", "--Devices:Urls=http://127.0.0.1:0", $"--ConnectionStrings:Tracker=Data Source={directory}/t.db",
            "--Sessions:Lifetime=banana");

        var stderr = await server.StandardError.ReadToEndAsync();
        await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        server.ExitCode.Should().Be(1);
        stderr.Should().Contain("Sessions:Lifetime");
    }

    private static Process Start(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(ServerAssembly);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return Process.Start(info)!;
    }
}

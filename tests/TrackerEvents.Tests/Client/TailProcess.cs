using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;

namespace TrackerEvents.Tests.Client;

/// <summary>The tail tool as a user runs it: a process (dotnet TrackerEvents.Tail.dll), its stdout line by line, stopped with Ctrl+C.</summary>
internal sealed class TailProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<string> _errors = new();

    private TailProcess(Process process) => _process = process;

    public string Errors => string.Join("\n", _errors);

    /// <summary>
    /// The tool as built in its own folder (samples/TrackerEvents.Tail/bin/&lt;configuration&gt;/net10.0), with its own
    /// dependencies: this test's folder holds the ASP.NET Core versions of some, which the tool does not load.
    /// </summary>
    private static string Assembly { get; } = FindAssembly();

    public static TailProcess Start(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var tail = new TailProcess(Process.Start(info)!);
        tail._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                tail._lines.Writer.TryComplete();
            }
            else
            {
                tail._lines.Writer.TryWrite(e.Data);
            }
        };
        tail._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                tail._errors.Enqueue(e.Data);
            }
        };
        tail._process.BeginOutputReadLine();
        tail._process.BeginErrorReadLine();
        return tail;
    }

    private static string FindAssembly()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        for (var directory = output; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TrackerEvents.sln")))
            {
                return Path.Combine(directory.FullName, "samples", "TrackerEvents.Tail", "bin", configuration, framework, "TrackerEvents.Tail.dll");
            }
        }

        throw new InvalidOperationException("TrackerEvents.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The next stdout line that matches.</summary>
    public async Task<string> NextLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(deadline.Token);
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"No matching line from the tail tool; its stderr: {Errors}");
        }
    }

    /// <summary>Ctrl+C (SIGINT), then its exit code.</summary>
    public async Task<int> InterruptAsync()
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        return await ExitCodeAsync();
    }

    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return _process.ExitCode;
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
}

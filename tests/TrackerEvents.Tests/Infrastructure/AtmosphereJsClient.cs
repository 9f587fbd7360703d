using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>
/// The real atmosphere.js client (npm 2.3.6 or 3.1.3), run by <c>tests/compat/client.js</c> in Node: every
/// client callback arrives as one JSON line (see tests/compat/README.md), commands go in on stdin.
/// </summary>
internal sealed class AtmosphereJsClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<JsonElement> _seen = [];

    private AtmosphereJsClient(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith('{'))
            {
                using var document = JsonDocument.Parse(line);
                _events.Writer.TryWrite(document.RootElement.Clone());
            }
            else if (e.Data is null)
            {
                _events.Writer.TryComplete();
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _stderr.Enqueue(e.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Every event read so far, in order.</summary>
    public IReadOnlyList<JsonElement> Seen => _seen;

    public static string CompatDirectory
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TrackerEvents.sln")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("TrackerEvents.sln not found above the tests"), "tests", "compat");
        }
    }

    /// <summary>Starts the driver and waits for <c>ready</c>. Options are driver/request options (<c>"--trackMessageLength", "true"</c>).</summary>
    public static async Task<AtmosphereJsClient> StartAsync(string version, Uri url, params string[] options)
    {
        if (!Directory.Exists(Path.Combine(CompatDirectory, "node_modules")))
        {
            throw new InvalidOperationException("Run `npm ci` in tests/compat first (.ci/run does).");
        }

        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
            WorkingDirectory = CompatDirectory,
        };
        info.ArgumentList.Add(Path.Combine(CompatDirectory, "client.js"));
        info.ArgumentList.Add("--client");
        info.ArgumentList.Add(version);
        info.ArgumentList.Add("--url");
        info.ArgumentList.Add(url.ToString());
        foreach (var option in options)
        {
            info.ArgumentList.Add(option);
        }

        var client = new AtmosphereJsClient(Process.Start(info)!);
        await client.NextAsync("ready", TimeSpan.FromSeconds(20));
        return client;
    }

    /// <summary>The next event named <paramref name="name"/> (skipping others), or a timeout naming what was seen.</summary>
    public async Task<JsonElement> NextAsync(string name, TimeSpan? timeout = null, Func<JsonElement, bool>? match = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cancel.Token);
                _seen.Add(next);
                if (next.GetProperty("event").GetString() == name && (match is null || match(next)))
                {
                    return next;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            throw new TimeoutException($"No '{name}' event from atmosphere.js. Seen: {string.Join(" ", _seen.Select(s => s.GetProperty("event").GetString()))}."
                + $" Driver log: {string.Join(" | ", _stderr.TakeLast(15))}");
        }
    }

    /// <summary>The next <c>message</c> whose JSON body matches; the body is parsed for the test.</summary>
    public async Task<JsonElement> NextMessageAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        var message = await NextAsync("message", timeout, m =>
        {
            var body = m.GetProperty("body").GetString()!;
            if (!body.StartsWith('{'))
            {
                return false;
            }

            using var document = JsonDocument.Parse(body);
            return match(document.RootElement);
        });
        using var parsed = JsonDocument.Parse(message.GetProperty("body").GetString()!);
        return parsed.RootElement.Clone();
    }

    public Task<JsonElement> NextEventMessageAsync(string eventName, TimeSpan? timeout = null) =>
        NextMessageAsync(m => m.TryGetProperty("event", out var e) && e.GetString() == eventName, timeout);

    /// <summary>True if an event named <paramref name="name"/> arrives within <paramref name="window"/>.</summary>
    public async Task<bool> SeesWithinAsync(string name, TimeSpan window)
    {
        try
        {
            await NextAsync(name, window);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public Task PushAsync(string data) => CommandAsync(new { cmd = "push", data });

    public Task PushJsonAsync(object message) => PushAsync(JsonSerializer.Serialize(message));

    public async Task UnsubscribeAsync()
    {
        await CommandAsync(new { cmd = "unsubscribe" });
        await NextAsync("ack", match: a => a.GetProperty("cmd").GetString() == "unsubscribe");
    }

    private async Task CommandAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await CommandAsync(new { cmd = "exit" });
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            // the driver is gone or stuck: kill it below
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}

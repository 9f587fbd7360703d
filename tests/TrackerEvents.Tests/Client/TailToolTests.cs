using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>samples/TrackerEvents.Tail end to end: one JSON line per event on stdout, Ctrl+C exits 0, --forward retries a webhook.</summary>
public sealed class TailToolTests
{
    [Fact]
    public async Task ItPrintsOneJsonLinePerEvent_AndExitsZeroOnCtrlC()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var tail = TailProcess.Start(
            "--url", fleet.Server.BaseAddress.ToString(), "--login", "fleet", "--password", TestClients.Password,
            "--events", "state_batch,readings_batch", "--trackers", $"{fleet.A},{fleet.B}", "--rate-limit", "200ms");

        var snapshot = Parse(await tail.NextLineAsync(l => Event(l) == "state_batch"));
        snapshot.GetProperty("data").GetArrayLength().Should().Be(2);
        Parse(await tail.NextLineAsync(l => Event(l) == "readings_batch")).GetProperty("type").GetString().Should().Be("event");
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 88 } })).ShouldSucceed();
        await tail.NextLineAsync(l => Event(l) == "state_batch" && l.Contains("\"speed\":88", StringComparison.Ordinal));

        (await tail.InterruptAsync()).Should().Be(0);
        tail.Errors.Should().Contain("tail: subscribed to state_batch, readings_batch");
    }

    [Fact]
    public async Task Forward_RetriesAFailingWebhook_WithBackoff_UntilItTakesTheEvent()
    {
        await using var fleet = await Fleet.StartAsync();
        var attempts = 0;
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var receiver = await Receiver(async request =>
        {
            if (Interlocked.Increment(ref attempts) <= 2)
            {
                return StatusCodes.Status500InternalServerError;
            }

            received.TrySetResult(await new StreamReader(request.Body).ReadToEndAsync());
            return StatusCodes.Status200OK;
        });
        await using var tail = TailProcess.Start(
            "--url", fleet.Server.BaseAddress.ToString(), "--login", "fleet", "--password", TestClients.Password,
            "--events", "state", "--trackers", fleet.A.ToString(), "--forward", Address(receiver) + "/hook");

        await tail.NextLineAsync(l => Event(l) == "state");
        await Task.WhenAny(received.Task, Task.Delay(TimeSpan.FromSeconds(30)));
        received.Task.IsCompleted.Should().BeTrue($"the webhook should get the event; the tool said: {tail.Errors}");
        var forwarded = Parse(await received.Task);

        forwarded.GetProperty("event").GetString().Should().Be("state");
        forwarded.GetProperty("data").GetProperty("source_id").GetInt64().Should().Be(fleet.SourceA);
        attempts.Should().Be(3, "two failures, then the webhook took it");
        (await tail.InterruptAsync()).Should().Be(0);
        tail.Errors.Should().Contain("forward: the webhook answered HTTP 500; retrying").And.Contain("forward: 1 forwarded, 0 dropped");
    }

    [Theory]
    [InlineData("--trackers", "1,x", "--trackers: 1,x is not a comma-separated list of tracker ids")]
    [InlineData("--events", "state,alerts", "--events: alerts is not one of")]
    [InlineData("--forward", "ftp://example", "--forward: ftp://example is not an http:// or https:// URL")]
    public async Task BadArguments_AreRefused_NamingTheMistake(string option, string value, string message)
    {
        await using var tail = TailProcess.Start("--url", "http://127.0.0.1:9", "--hash", "0123456789abcdef0123456789abcdef", option, value);

        (await tail.ExitCodeAsync()).Should().NotBe(0);
        tail.Errors.Should().Contain(message);
    }

    [Fact]
    public async Task AWrongPassword_ExitsOne_WithTheError()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var tail = TailProcess.Start("--url", fleet.Server.BaseAddress.ToString(), "--login", "fleet", "--password", "wrong");

        (await tail.ExitCodeAsync()).Should().Be(1);
        tail.Errors.Should().Contain("user/auth: error 102");
    }

    private static string? Event(string line) => Parse(line).TryGetProperty("event", out var e) ? e.GetString() : null;

    private static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>A webhook on a free loopback port, answering each POST to /hook with the status <paramref name="answer"/> gives.</summary>
    private static async Task<WebApplication> Receiver(Func<HttpRequest, Task<int>> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.MapPost("/hook", async http => http.Response.StatusCode = await answer(http.Request));
        await app.StartAsync();
        return app;
    }
}

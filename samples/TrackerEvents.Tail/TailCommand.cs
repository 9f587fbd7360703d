using System.CommandLine;
using TrackerEvents.Client;

namespace TrackerEvents.Tail;

/// <summary>The command line: where, who, what to subscribe to, and where to forward.</summary>
internal static class TailCommand
{
    public static RootCommand Create()
    {
        var url = new Option<string>("--url")
        {
            Description = "The server: http://localhost:8080 (the API under /v2), or an API base URL such as https://api.eu.navixy.com/v2",
            Required = true,
        };
        var login = new Option<string?>("--login") { Description = "Login for user/auth" };
        var password = new Option<string?>("--password") { Description = "Password for user/auth" };
        var hash = new Option<string?>("--hash") { Description = "An API key's hash, instead of --login and --password" };
        var events = new Option<string>("--events")
        {
            Description = "Request types, comma-separated: state, state_batch, readings_batch, iot_monitor",
            DefaultValueFactory = _ => EventNames.StateBatch,
        };
        var trackers = new Option<string?>("--trackers") { Description = "Tracker ids, comma-separated (default: all of the user's)" };
        var rateLimit = new Option<string?>("--rate-limit") { Description = "Batch rate limit, e.g. 1s (default: the server's)" };
        var forward = new Option<string?>("--forward") { Description = "POST each event to this webhook URL as well, with retries" };
        var queue = new Option<int>("--forward-queue")
        {
            Description = "Events waiting for the webhook at most; past that the oldest is dropped and counted",
            DefaultValueFactory = _ => 10_000,
        };
        var attempts = new Option<int>("--forward-attempts")
        {
            Description = "Tries per event before it is given up and counted",
            DefaultValueFactory = _ => 8,
        };
        var longPolling = new Option<bool>("--long-polling") { Description = "Use long-polling instead of a WebSocket" };

        events.Validators.Add(result =>
        {
            string[] known = [EventNames.State, EventNames.StateBatch, EventNames.ReadingsBatch, EventNames.IotMonitor];
            var names = TailSettings.List(result.GetValueOrDefault<string>());
            foreach (var name in names.Where(n => !known.Contains(n)).Take(1))
            {
                result.AddError($"--events: {name} is not one of {string.Join(", ", known)}");
            }

            if (names.Count == 0)
            {
                result.AddError("--events: name at least one request type");
            }
        });
        url.Validators.Add(result => CheckUrl(result, "--url"));
        forward.Validators.Add(result => CheckUrl(result, "--forward"));
        trackers.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } text && TailSettings.Ids(text) is null)
            {
                result.AddError($"--trackers: {text} is not a comma-separated list of tracker ids");
            }
        });

        var command = new RootCommand(
            "Prints one JSON line per event on stdout (pipe it into jq); progress and reconnects go to stderr. Ctrl+C stops it.")
        {
            url, login, password, hash, events, trackers, rateLimit, forward, queue, attempts, longPolling,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var settings = new TailSettings
            {
                ApiUrl = TailSettings.ApiUrlOf(new Uri(result.GetValue(url)!)),
                Login = result.GetValue(login),
                Password = result.GetValue(password),
                Hash = result.GetValue(hash),
                Events = TailSettings.List(result.GetValue(events)),
                Trackers = result.GetValue(trackers) is { } ids ? TailSettings.Ids(ids) : null,
                RateLimit = result.GetValue(rateLimit),
                Forward = result.GetValue(forward) is { } webhook ? new Uri(webhook) : null,
                ForwardQueue = result.GetValue(queue),
                ForwardAttempts = result.GetValue(attempts),
                LongPolling = result.GetValue(longPolling),
            };
            return new Tail(settings, Console.OpenStandardOutput(), Console.Error).RunAsync(cancellationToken);
        });
        return command;
    }

    private static void CheckUrl(System.CommandLine.Parsing.OptionResult result, string name)
    {
        if (result.GetValueOrDefault<string?>() is { } text
            && !(Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
        {
            result.AddError($"{name}: {text} is not an http:// or https:// URL");
        }
    }
}

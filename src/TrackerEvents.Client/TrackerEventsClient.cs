using System.Text.Json;
using System.Text.Json.Nodes;
using TrackerEvents.Client.Api;
using TrackerEvents.Client.Json;

namespace TrackerEvents.Client;

/// <summary>
/// A backend's client of the Navixy API v2 (and of TrackerEvents, which serves the same API): the HTTP calls
/// around the event socket, and <see cref="SubscribeAsync"/> for the events. It logs in on first use with a login
/// and password, and again when the session ends; with an API key it uses the key.
/// </summary>
public sealed class TrackerEventsClient : IAsyncDisposable
{
    private readonly TrackerEventsClientOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Session _session;

    /// <summary>A client for the API at <see cref="TrackerEventsClientOptions.ApiUrl"/>.</summary>
    public TrackerEventsClient(TrackerEventsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _ownsHttp = options.HttpClient is null;
        // Long-polls are held by the server for up to a heartbeat; the dead-peer timeout ends them, not HttpClient's.
        _http = options.HttpClient ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        _session = new Session(new ApiCaller(_http, options.ApiUrl), options);
    }

    /// <summary>Logs in (<c>user/auth</c>) if not done yet, and returns the hash in use.</summary>
    /// <exception cref="WrongLoginException">Wrong login or password.</exception>
    public async Task<string> LoginAsync(CancellationToken cancellationToken = default) =>
        await _session.HashAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Ends the session (<c>user/logout</c>); subscriptions made with it end too. Not for API keys.</summary>
    public Task LogoutAsync(CancellationToken cancellationToken = default) => _session.LogoutAsync(cancellationToken);

    /// <summary>The user's trackers (<c>tracker/list</c>): <see cref="TrackerSource.Id"/> is the <c>source_id</c> of state events.</summary>
    public async Task<IReadOnlyList<Tracker>> ListTrackersAsync(CancellationToken cancellationToken = default) =>
        (await _session.CallAsync("tracker/list", null, ClientJson.Default.TrackerListAnswer, cancellationToken).ConfigureAwait(false)).List ?? [];

    /// <summary>
    /// The current states of trackers (<c>tracker/get_states</c>, at most 2,000). Blocked and missing trackers are
    /// listed in the answer, not errors.
    /// </summary>
    public Task<TrackerStates> GetStatesAsync(IEnumerable<long> trackers, CancellationToken cancellationToken = default)
    {
        var ids = trackers.ToList();
        return _session.CallAsync("tracker/get_states", w =>
        {
            WriteIds(w, "trackers", ids);
            w.WriteBoolean("list_blocked", true);
            w.WriteBoolean("allow_not_exist", true);
        }, ClientJson.Default.TrackerStates, cancellationToken);
    }

    /// <summary>The sensor readings of trackers (<c>tracker/readings/batch_list</c>), by tracker id.</summary>
    public async Task<IReadOnlyDictionary<long, TrackerReadings>> GetReadingsAsync(
        IEnumerable<long> trackers, string? sensorType = null, bool? includeComponents = null, CancellationToken cancellationToken = default)
    {
        var ids = trackers.ToList();
        var answer = await _session.CallAsync("tracker/readings/batch_list", w =>
        {
            WriteIds(w, "trackers", ids);
            if (sensorType is not null)
            {
                w.WriteString("sensor_type", sensorType);
            }

            if (includeComponents is { } include)
            {
                w.WriteBoolean("include_components", include);
            }
        }, ClientJson.Default.ReadingsAnswer, cancellationToken).ConfigureAwait(false);
        return answer.Result ?? new Dictionary<long, TrackerReadings>();
    }

    /// <summary>Any other API method, with the hash and ISO dates: its answer as JSON (errors thrown as for the others).</summary>
    public async Task<JsonElement> CallAsync(string method, JsonObject? parameters = null, CancellationToken cancellationToken = default) =>
        await _session.CallAsync(method, w =>
        {
            foreach (var (name, value) in parameters ?? [])
            {
                w.WritePropertyName(name);
                if (value is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    value.WriteTo(w);
                }
            }
        }, ClientJson.Default.JsonElement, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Opens an event connection and subscribes. The returned subscription reconnects, re-subscribes and logs in
    /// again by itself; dispose it to leave.
    /// </summary>
    /// <exception cref="NavixyApiException">The login or the subscribe was refused.</exception>
    /// <exception cref="TimeoutException">No connection could be made within <see cref="TrackerEventsClientOptions.ActionTimeout"/>.</exception>
    public async Task<EventSubscription> SubscribeAsync(IEnumerable<SubscriptionRequest> requests, CancellationToken cancellationToken = default)
    {
        await _session.HashAsync(cancellationToken).ConfigureAwait(false);
        var subscription = new EventSubscription(_options, _session, _http);
        try
        {
            await subscription.SubscribeAsync(requests, cancellationToken).ConfigureAwait(false);
            return subscription;
        }
        catch
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Releases the HTTP client, when it is the client's own (subscriptions are disposed by their owners).</summary>
    public ValueTask DisposeAsync()
    {
        _session.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static void WriteIds(Utf8JsonWriter writer, string name, List<long> ids)
    {
        writer.WriteStartArray(name);
        foreach (var id in ids)
        {
            writer.WriteNumberValue(id);
        }

        writer.WriteEndArray();
    }
}

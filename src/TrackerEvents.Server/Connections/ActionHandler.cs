using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;
using TrackerEvents.Auth;
using TrackerEvents.Diagnostics;
using TrackerEvents.Messages;
using TrackerEvents.Store;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Connections;

/// <summary>
/// Carries out client actions: checks the hash of every action, resolves the trackers (another user's
/// tracker is <c>unknown</c>), registers the watches, answers, then sends the snapshot. A bad action
/// gets an <c>error</c> message; the connection and its other subscriptions carry on.
/// </summary>
internal sealed partial class ActionHandler(
    SessionService sessions, TrackerStore store, StateStore stateStore, ReadingStore readingStore, IStoreDialect dialect,
    SnapshotTurns snapshots, IOptions<AtmosphereOptions> options, TimeProvider time, ILogger<ActionHandler> logger)
{
    public async Task HandleAsync(AtmosphereClient client, string text, CancellationToken cancellationToken)
    {
        var action = "null";
        try
        {
            // Every message takes a token, a bad one too: a flood of them meets the rate limit like any other.
            var parsed = Parse(text, out var invalid);
            action = parsed?.ActionName ?? invalid!.Action;
            if (!client.Actions.TryTake())
            {
                throw new ActionException(action, ApiError.TooManyRequests,
                    reason: string.Create(CultureInfo.InvariantCulture, $"more than {options.Value.MaxActionsPerSecond} actions per second"));
            }

            if (parsed is null)
            {
                LogRejected(logger, client.Number, invalid!.Error.Code, invalid.Message);
                throw invalid;
            }

            var session = await sessions.RequireAsync(parsed.Hash, cancellationToken);
            if (!client.Subscriptions.UseSession(session.SessionId, session.UserId))
            {
                throw new ActionException(action, ApiError.TooManyRequests,
                    reason: string.Create(CultureInfo.InvariantCulture, $"this user already has {options.Value.MaxConnectionsPerUser} connections"));
            }

            if (parsed.Subscribe)
            {
                await SubscribeAsync(client, parsed, session, cancellationToken);
            }
            else
            {
                await UnsubscribeAsync(client, parsed, session, cancellationToken);
            }
        }
        catch (ActionException e)
        {
            client.Send(EventFrames.Error(e.Action, e.Error, w => WriteDetails(w, e.Errors, e.Reason)));
        }
        catch (ApiException e)
        {
            client.Send(EventFrames.Error(action, e.Error));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (dialect.IsUnavailable(e))
        {
            client.Send(EventFrames.Error(action, ApiError.DatabaseUnavailable));
        }
        catch (DbException e)
        {
            LogFailed(logger, client.Number, client.Tag, e);
            client.Send(EventFrames.Error(action, ApiError.DatabaseError));
        }
        catch (Exception e)
        {
            LogFailed(logger, client.Number, client.Tag, e);
            client.Send(EventFrames.Error(action, ApiError.Unexpected));
        }
    }

    /// <summary>The action, or null and why not (input errors are answered, never thrown further as faults).</summary>
    private ClientAction? Parse(string text, out ActionException? invalid)
    {
        try
        {
            invalid = null;
            return ClientActionParser.Parse(text, StreamKinds.Shapes, options.Value.MaxTrackersPerConnection, options.Value.MaxRequestsPerMessage);
        }
        catch (ActionException e)
        {
            invalid = e;
            return null;
        }
    }

    private async Task SubscribeAsync(AtmosphereClient client, ClientAction action, AuthenticatedSession session, CancellationToken cancellationToken)
    {
        var plans = await PlanAsync(action, session, cancellationToken);

        // The caps hold for the whole message: two requests of one kind count together.
        var wanted = new Dictionary<StreamKind, HashSet<long>>();
        foreach (var plan in plans)
        {
            var ids = wanted.TryGetValue(plan.Kind, out var set) ? set : wanted[plan.Kind] = [];
            ids.UnionWith(plan.Trackers.Where(t => t.Status != TrackerStatus.Unknown).Select(t => t.Id));
        }

        if (client.Subscriptions.Fits(wanted) is (false, var over))
        {
            throw new ActionException(action.ActionName, ApiError.InvalidParameters, reason: over?.Shape.MaxTrackers is { } max
                ? string.Create(CultureInfo.InvariantCulture, $"{over.Type} takes at most {max} trackers per connection")
                : string.Create(CultureInfo.InvariantCulture, $"more trackers than allowed on one connection ({options.Value.MaxTrackersPerConnection})"));
        }

        var dates = DateStyle.For(session.TimeZone, action.IsoDatetime);
        foreach (var plan in plans)
        {
            var request = plan.Request;
            client.Subscriptions.Watch(plan.Kind, plan.Trackers, new WatchRequest(session.SessionId, session.UserId, request.Format, dates, request.RateLimit, request.Filter));
        }

        client.Send(EventFrames.Response(action.ActionName, Statuses(plans), action.Legacy, legacyUnsubscribe: false));

        // Snapshots are read after the watches are in place: a change committed after this read reaches
        // the client through the dispatcher, one committed before it is in the snapshot. Each source is
        // read once for all the requests that need it; the states first, then the readings.
        await snapshots.RunAsync(wanted.Values.Sum(t => t.Count), () => SendSnapshotsAsync(client, session.UserId, plans, cancellationToken), cancellationToken);
        client.NotifyTransport();
    }

    private async Task SendSnapshotsAsync(AtmosphereClient client, long userId, List<Plan> plans, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<StateRendering> states = [];
        IReadOnlyDictionary<long, IReadOnlyList<ReadingItem>> readings = new Dictionary<long, IReadOnlyList<ReadingItem>>();
        if (plans.Any(p => p.Kind.Snapshot == SnapshotSource.States))
        {
            states = (await stateStore.GetSnapshotAsync(Normal(plans, SnapshotSource.States), cancellationToken)).Select(s => StateRendering.Of(s, now)).ToList();
        }

        if (plans.Any(p => p.Kind.Snapshot == SnapshotSource.Readings))
        {
            readings = await readingStore.GetReadingsAsync(Normal(plans, SnapshotSource.Readings), userId, cancellationToken);
        }

        var snapshot = new Snapshot(states, readings, now);
        foreach (var source in (ReadOnlySpan<SnapshotSource>)[SnapshotSource.States, SnapshotSource.Readings])
        {
            foreach (var kind in plans.Select(p => p.Kind).Where(k => k.Snapshot == source).Distinct().OrderBy(k => k.Index))
            {
                client.Subscriptions.SendSnapshot(kind, Normal(plans.Where(p => p.Kind == kind)), snapshot);
            }
        }
    }

    private async Task UnsubscribeAsync(AtmosphereClient client, ClientAction action, AuthenticatedSession session, CancellationToken cancellationToken)
    {
        var plans = await PlanAsync(action, session, cancellationToken);
        foreach (var plan in plans)
        {
            client.Subscriptions.Unwatch(plan.Kind, plan.Trackers.Where(t => t.Status != TrackerStatus.Unknown).Select(t => t.Id));
        }

        client.Send(EventFrames.Response(action.ActionName, Statuses(plans), action.Legacy, legacyUnsubscribe: action.Legacy));
    }

    /// <summary>Each request with its kind and its trackers resolved; "all" is read from the store once per message.</summary>
    private async Task<List<Plan>> PlanAsync(ClientAction action, AuthenticatedSession session, CancellationToken cancellationToken)
    {
        var plans = new List<Plan>(action.Requests.Count);
        List<ResolvedTracker>? all = null;
        foreach (var request in action.Requests)
        {
            var trackers = request.All
                ? all ??= await ResolveAsync(session.UserId, request, cancellationToken)
                : await ResolveAsync(session.UserId, request, cancellationToken);
            plans.Add(new Plan(request, StreamKinds.Of(request.Type), trackers));
        }

        return plans;
    }

    /// <summary>The request's trackers with their status for this user: a tracker that is not theirs, or was removed, is unknown.</summary>
    private async Task<List<ResolvedTracker>> ResolveAsync(long userId, RequestSpec request, CancellationToken cancellationToken)
    {
        if (request.All)
        {
            return (await store.ListTrackersAsync(userId, cancellationToken))
                .Select(t => new ResolvedTracker(t.Id, t.SourceId, t.Blocked ? TrackerStatus.Blocked : TrackerStatus.Normal)).ToList();
        }

        var found = await store.GetTrackersAsync(userId, request.TrackerIds, cancellationToken);
        return request.TrackerIds.Select(id => found.TryGetValue(id, out var t) && !t.Corrupted
            ? new ResolvedTracker(id, t.SourceId, t.Blocked ? TrackerStatus.Blocked : TrackerStatus.Normal)
            : new ResolvedTracker(id, 0, TrackerStatus.Unknown)).ToList();
    }

    private static List<(string Type, IReadOnlyList<(long Id, string Status)> Statuses)> Statuses(List<Plan> plans) =>
        plans.GroupBy(p => p.Request.Type).Select(g => (g.Key, (IReadOnlyList<(long, string)>)g.SelectMany(p => p.Trackers)
            .DistinctBy(t => t.Id).Select(t => (t.Id, t.Status switch
            {
                TrackerStatus.Normal => "normal",
                TrackerStatus.Blocked => "blocked",
                _ => "unknown",
            })).ToList())).ToList();

    private static List<long> Normal(List<Plan> plans, SnapshotSource source) => Normal(plans.Where(p => p.Kind.Snapshot == source));

    /// <summary>The not-blocked trackers of these requests, each once, in request order.</summary>
    private static List<long> Normal(IEnumerable<Plan> plans) =>
        plans.SelectMany(p => p.Trackers).Where(t => t.Status == TrackerStatus.Normal).Select(t => t.Id).Distinct().ToList();

    private static void WriteDetails(System.Text.Json.Utf8JsonWriter writer, IReadOnlyList<FieldError>? errors, string? reason)
    {
        if (reason is not null)
        {
            writer.WriteString("reason", reason);
        }

        if (errors is { Count: > 0 })
        {
            FieldErrors.Write(writer, errors);
        }
    }

    /// <summary>One request of an action, resolved.</summary>
    private sealed record Plan(RequestSpec Request, StreamKind Kind, List<ResolvedTracker> Trackers);

    [LoggerMessage(EventId = LogEvents.ActionRejected, Level = LogLevel.Debug, Message = "Action of client {ClientNumber} rejected with code {Code}: {Reason}")]
    private static partial void LogRejected(ILogger logger, long clientNumber, int code, string reason);

    [LoggerMessage(EventId = LogEvents.ActionFailed, Level = LogLevel.Error, Message = "Action of client {ClientNumber} (tracking tag {TrackingTag}) failed")]
    private static partial void LogFailed(ILogger logger, long clientNumber, string trackingTag, Exception exception);
}

using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TrackerEvents.Client.Api;
using TrackerEvents.Client.Atmosphere;
using TrackerEvents.Client.Json;

namespace TrackerEvents.Client;

/// <summary>
/// A connection to <c>event/subscription</c> and its subscriptions, kept alive: read the events with
/// <see cref="ReadAllAsync"/>; subscribe to more or unsubscribe at any time. After a reconnect, and after a new
/// login, the subscriptions are sent again (a server that no longer knows the client holds none of them), which
/// brings a fresh snapshot. Dispose it to leave: the server is told at once (the Atmosphere close request).
/// </summary>
public sealed class EventSubscription : IAsyncDisposable
{
    private const string Subscribe = "subscribe";
    private const string Unsubscribe = "unsubscribe";

    private readonly TrackerEventsClientOptions _options;
    private readonly Session _session;
    private readonly ILogger _logger;
    private readonly AtmosphereConnection _connection;
    private readonly EventBuffer _buffer;
    private readonly PendingActions _pending = new();
    private readonly SubscriptionSet _subscriptions = new();
    private string? _subscribedWith;

    internal EventSubscription(TrackerEventsClientOptions options, Session session, HttpClient http)
    {
        _options = options;
        _session = session;
        _logger = options.Logger ?? NullLogger.Instance;
        _buffer = new EventBuffer(options.EventBufferCapacity);
        _connection = new AtmosphereConnection(options, http, _logger, OnMessage, OnOpened, OnChange);
        _connection.Start();
    }

    /// <summary>Raised on every connect, loss, reconnect and fallback (on the connection's thread: return quickly).</summary>
    public event EventHandler<ConnectionChange>? ConnectionChanged;

    /// <summary>The Atmosphere tracking id the server gave this client (a bearer secret: do not log it), once connected.</summary>
    public string? TrackingId => _connection.TrackingId;

    /// <summary>The transport in use: <c>websocket</c>, or <c>long-polling</c> after a fallback.</summary>
    public string Transport => _connection.Transport;

    /// <summary>The events waiting for the consumer (for tests).</summary>
    internal EventBuffer Buffer => _buffer;

    /// <summary>Events dropped because the consumer fell more than <see cref="TrackerEventsClientOptions.EventBufferCapacity"/> behind (never states: those are merged).</summary>
    public long DroppedEvents => _buffer.Dropped;

    /// <summary>
    /// The events, in the order they came, until the subscription is disposed (then the enumeration ends) or the
    /// session ends for good (then it throws <see cref="SessionEndedException"/> or the login's error). Read it
    /// from one consumer.
    /// </summary>
    public IAsyncEnumerable<TrackerEvent> ReadAllAsync(CancellationToken cancellationToken = default) => _buffer.ReadAllAsync(cancellationToken);

    /// <summary>Subscribes; returns the server's answer: each requested tracker's status per request type.</summary>
    /// <exception cref="NavixyApiException">The server refused (typed by code, e.g. <see cref="InvalidParametersException"/>).</exception>
    public async Task<SubscriptionResult> SubscribeAsync(IEnumerable<SubscriptionRequest> requests, CancellationToken cancellationToken = default)
    {
        var list = requests.ToList();
        _subscriptions.Add(list);
        return SubscriptionResult.From(await ActAsync(Subscribe, list, retry: true, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Unsubscribes (the same requests as for subscribing; a target of all trackers ends that request type).</summary>
    public async Task<SubscriptionResult> UnsubscribeAsync(IEnumerable<SubscriptionRequest> requests, CancellationToken cancellationToken = default)
    {
        var list = requests.ToList();
        _subscriptions.Remove(list);
        return SubscriptionResult.From(await ActAsync(Unsubscribe, list, retry: true, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Leaves: the connection stops, the server is told, and the enumeration ends after what was already received.</summary>
    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _pending.FailAll();
        _buffer.Complete();
    }

    /// <summary>
    /// Sends an action and waits for its answer. If the connection is lost first, it is sent again once
    /// reconnected (when <paramref name="retry"/>); a wrong or ended hash is renewed once.
    /// </summary>
    private async Task<Reply> ActAsync(string action, IReadOnlyList<SubscriptionRequest> requests, bool retry, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ActionTimeout);
        var renewed = false;
        while (true)
        {
            var hash = await _session.HashAsync(timeout.Token).ConfigureAwait(false);
            var message = JsonSerializer.Serialize(new ActionMessage(action, hash, requests, IsoDatetime: true), ClientJson.Default.ActionMessage);
            var answer = _pending.Add("subscription/" + action);
            Reply reply;
            try
            {
                await _connection.SendAsync(message, timeout.Token).ConfigureAwait(false);
                reply = await answer.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (retry && e is not OperationCanceledException)
            {
                // The connection broke under the action: once reconnected, send it again.
                _pending.Remove(answer);
                await Task.Delay(TimeSpan.FromMilliseconds(50), _options.TimeProvider, timeout.Token).ConfigureAwait(false);
                continue;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _pending.Remove(answer);
                throw new TimeoutException($"subscription/{action}: no answer within {_options.ActionTimeout.TotalSeconds:0.#} s");
            }

            if (!reply.IsError)
            {
                _subscribedWith = hash;
                return reply;
            }

            if (reply.Code is SessionEndedException.ErrorCode or WrongHashException.ErrorCode && !renewed
                && await _session.RenewAsync(hash, timeout.Token).ConfigureAwait(false) is not null)
            {
                renewed = true;
                continue;
            }

            throw NavixyApiException.For(reply.Code, reply.Description, reply.Action ?? "subscription/" + action, ParameterErrors(reply.Data));
        }
    }

    private void OnMessage(byte[] message)
    {
        TrackerEvent? e;
        Reply? reply;
        try
        {
            (e, reply) = EventParser.Parse(message);
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or NotSupportedException or FormatException)
        {
            // One message this client cannot read costs that message, never the connection.
            ClientLog.Unreadable(_logger, error);
            return;
        }

        if (reply is not null)
        {
            _pending.Complete(reply);
        }
        else if (e is not null)
        {
            _buffer.Add(e);
            if (e is LogoutEvent)
            {
                _ = RenewAfterLogoutAsync();
            }
        }
    }

    private void OnOpened(bool reconnect)
    {
        if (reconnect)
        {
            _ = ResubscribeAsync();
        }
    }

    private void OnChange(ConnectionChange change)
    {
        if (change.State == ConnectionState.Disconnected)
        {
            _pending.FailAll();
        }

        ConnectionChanged?.Invoke(this, change);
    }

    /// <summary>Sends every subscription again, as one subscribe (not retried: the next reconnect does it again).</summary>
    private async Task ResubscribeAsync()
    {
        var requests = _subscriptions.Current;
        if (requests.Count == 0)
        {
            return;
        }

        try
        {
            await ActAsync(Subscribe, requests, retry: false, CancellationToken.None).ConfigureAwait(false);
            ClientLog.Resubscribed(_logger, requests.Count);
        }
        catch (NavixyApiException e) when (e is SessionEndedException or WrongHashException)
        {
            ClientLog.SessionLost(_logger, e);
            _buffer.Complete(e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ClientLog.ResubscribeFailed(_logger, e);
        }
    }

    /// <summary>The session ended (logout event): log in again and subscribe again, or end the enumeration.</summary>
    private async Task RenewAfterLogoutAsync()
    {
        if (_session.LoggedOut)
        {
            _buffer.Complete();
            return;
        }

        try
        {
            var hash = _subscribedWith ?? await _session.HashAsync(CancellationToken.None).ConfigureAwait(false);
            if (await _session.RenewAsync(hash, CancellationToken.None).ConfigureAwait(false) is null)
            {
                throw new SessionEndedException("session closed", "logout");
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ClientLog.SessionLost(_logger, e);
            _buffer.Complete(e);
            return;
        }

        await ResubscribeAsync().ConfigureAwait(false);
    }

    private static List<ParameterError>? ParameterErrors(JsonElement data) =>
        data.ValueKind == JsonValueKind.Object && data.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
            ? [.. errors.EnumerateArray().Select(e => new ParameterError(Text(e, "parameter"), Text(e, "error")))]
            : null;

    private static string Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var value) ? value.ToString() : "";
}

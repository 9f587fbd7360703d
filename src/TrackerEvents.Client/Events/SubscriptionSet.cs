namespace TrackerEvents.Client;

/// <summary>
/// What the consumer asked to be subscribed to, after its subscribes and unsubscribes: sent again in one
/// subscribe after every reconnect and every new login, since a server that no longer knows the client (a
/// restart, another node, Navixy itself) holds none of it.
/// </summary>
internal sealed class SubscriptionSet
{
    private readonly object _gate = new();
    private List<SubscriptionRequest> _requests = [];

    public IReadOnlyList<SubscriptionRequest> Current
    {
        get
        {
            lock (_gate)
            {
                return _requests;
            }
        }
    }

    public void Add(IEnumerable<SubscriptionRequest> requests)
    {
        lock (_gate)
        {
            _requests = [.. _requests, .. requests];
        }
    }

    /// <summary>
    /// Takes the trackers of an unsubscribe out. A request for all trackers of a type removes that type; named
    /// trackers are taken out of the requests that name them (a request for all trackers stays).
    /// </summary>
    public void Remove(IEnumerable<SubscriptionRequest> requests)
    {
        lock (_gate)
        {
            var left = _requests;
            foreach (var removed in requests)
            {
                left = [.. left.Select(r => Without(r, removed)).OfType<SubscriptionRequest>()];
            }

            _requests = left;
        }
    }

    internal static SubscriptionRequest? Without(SubscriptionRequest request, SubscriptionRequest removed)
    {
        if (request.Type != removed.Type)
        {
            return request;
        }

        var ids = removed.Trackers ?? removed.Target?.TrackerIds;
        if (ids is null)
        {
            return null;
        }

        if (request.Trackers is { } trackers)
        {
            var rest = trackers.Except(ids).ToList();
            return rest.Count == 0 ? null : request with { Trackers = rest };
        }

        if (request.Target?.TrackerIds is { } selected)
        {
            var rest = selected.Except(ids).ToList();
            return rest.Count == 0 ? null : request with { Target = SubscriptionTarget.Selected(rest) };
        }

        return request;
    }
}

using TrackerEvents.Messages;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// A kind of subscription stream, as registered in <see cref="StreamKinds"/>: its request type, how its
/// requests are addressed, what its snapshot is made of, and how a client's stream of it is made.
/// </summary>
/// <param name="Create">Makes a client's stream of this kind; batch streams pace their frames in the client's <see cref="BatchPhase"/>.</param>
internal sealed record StreamKind(RequestShape Shape, SnapshotSource Snapshot, Func<ClientServices, BatchPhase, ISubscriptionStream> Create)
{
    /// <summary>The request type and event name: <c>state</c>, <c>state_batch</c>...</summary>
    public string Type => Shape.Type;

    /// <summary>Where <see cref="StreamKinds.All"/> lists it (a client keeps its streams in that order).</summary>
    public int Index { get; init; }
}

using TrackerEvents.Messages;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// Every kind of subscription the server offers, in the order a client delivers to them and flushes them.
/// A new kind is one class implementing <see cref="ISubscriptionStream"/> and one line here.
/// </summary>
internal static class StreamKinds
{
    public static IReadOnlyList<StreamKind> All { get; } = Register(
        StateStream.Kind,
        StateBatchStream.Kind,
        ReadingsBatchStream.Kind,
        IotMonitorStream.Kind);

    /// <summary>The request types and their addressing, for the action parser.</summary>
    public static IReadOnlyList<RequestShape> Shapes { get; } = [.. All.Select(k => k.Shape)];

    /// <summary>The kind of a request type the parser accepted.</summary>
    public static StreamKind Of(string type) => All.First(k => k.Type == type);

    private static StreamKind[] Register(params StreamKind[] kinds) => [.. kinds.Select((kind, i) => kind with { Index = i })];
}

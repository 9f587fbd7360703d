using System.Text;

namespace TrackerEvents.Client;

/// <summary>
/// An event from the server: <see cref="StateEvent"/>, <see cref="StateBatchEvent"/>,
/// <see cref="ReadingsBatchEvent"/>, <see cref="IotMonitorEvent"/>, <see cref="LifecycleEvent"/>,
/// <see cref="LogoutEvent"/>, or <see cref="OtherEvent"/> for a kind this client does not know.
/// </summary>
/// <param name="RawJson">
/// The message as UTF-8 JSON: as it came, or, for batches merged while the consumer was behind, the merged
/// message in the same shape.
/// </param>
public abstract record TrackerEvent(ReadOnlyMemory<byte> RawJson)
{
    private ReadOnlyMemory<byte> _rawJson = RawJson;

    /// <summary>The message as UTF-8 JSON (a merged batch's is written when first asked for).</summary>
    public ReadOnlyMemory<byte> RawJson
    {
        get => _rawJson.IsEmpty ? _rawJson = Render() : _rawJson;
        init => _rawJson = value;
    }

    /// <summary>The event's name on the wire (<c>state</c>, <c>state_batch</c>, ...).</summary>
    public abstract string Name { get; }

    /// <summary>The message as JSON text.</summary>
    public string Json => Encoding.UTF8.GetString(RawJson.Span);

    /// <summary>The JSON of an event made here rather than received (a merged batch).</summary>
    private protected virtual ReadOnlyMemory<byte> Render() => ReadOnlyMemory<byte>.Empty;
}

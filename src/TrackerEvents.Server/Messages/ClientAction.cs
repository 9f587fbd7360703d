namespace TrackerEvents.Messages;

/// <summary>A validated <c>subscribe</c> or <c>unsubscribe</c> message.</summary>
internal sealed record ClientAction(bool Subscribe, string? Hash, bool Legacy, bool IsoDatetime, IReadOnlyList<RequestSpec> Requests)
{
    public string ActionName => Subscribe ? ClientActionParser.SubscribeAction : ClientActionParser.UnsubscribeAction;
}

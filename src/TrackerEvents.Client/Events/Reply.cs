using System.Text.Json;

namespace TrackerEvents.Client;

/// <summary>A <c>response</c> or <c>error</c> message: the answer to an action.</summary>
internal sealed record Reply(bool IsError, string? Action, int Code, string Description, JsonElement Data);

namespace TrackerEvents.Client;

/// <summary>
/// A <c>logout</c> event: the session the subscriptions were made with ended (logout, expiry, password change,
/// user blocked), and they stopped. The client then logs in again and re-subscribes when it can (a login and
/// password, or <see cref="TrackerEventsClientOptions.RenewHash"/>); otherwise the enumeration ends with
/// <see cref="SessionEndedException"/>.
/// </summary>
/// <param name="Reason">The event's data (<c>session closed</c>).</param>
/// <param name="RawJson">The message as UTF-8 JSON.</param>
public sealed record LogoutEvent(string Reason, ReadOnlyMemory<byte> RawJson) : TrackerEvent(RawJson)
{
    /// <inheritdoc />
    public override string Name => EventNames.Logout;
}

using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>What <see cref="TransportDeadlines.Check"/> decided: end the connection (and why), send a heartbeat, when to check again.</summary>
internal readonly record struct DeadlineCheck(Disconnect? EndReason, bool HeartbeatDue, TimeSpan Next)
{
    public static DeadlineCheck End(Disconnect reason) => new(reason, false, TimeSpan.MaxValue);
}

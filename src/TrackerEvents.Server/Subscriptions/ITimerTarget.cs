namespace TrackerEvents.Subscriptions;

/// <summary>Something the <see cref="TimerWheel"/> calls back when its time comes.</summary>
internal interface ITimerTarget
{
    /// <summary>
    /// Runs on the wheel's loop: must be quick and must not throw. <paramref name="token"/> is the one
    /// given to <see cref="TimerWheel.Schedule"/>, so that a target can ignore callbacks it superseded.
    /// </summary>
    void OnTimer(long token);
}

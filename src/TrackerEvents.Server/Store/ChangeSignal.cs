namespace TrackerEvents.Store;

/// <summary>
/// The in-process "look now" wake-up for change feed readers. It carries no data: readers always
/// read the feed after their watermark, so a missed or doubled signal costs latency, never a change.
/// </summary>
internal sealed class ChangeSignal(TimeProvider time)
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _notifiedAt;

    /// <summary>
    /// Completes at the next <see cref="Notify"/>. Take it before reading the feed, then await it:
    /// a change committed after the read always completes the task that was taken.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify()
    {
        Interlocked.CompareExchange(ref _notifiedAt, time.GetTimestamp(), 0);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>
    /// When the first <see cref="Notify"/> since the last call came (a timestamp; 0: none): the commit of
    /// the oldest change a reader has not yet read, as far as this process knows. For the phase timings only.
    /// </summary>
    public long TakeNotifiedAt() => Interlocked.Exchange(ref _notifiedAt, 0);
}

namespace TrackerEvents.Store;

/// <summary>
/// The in-process "look now" wake-up for change feed readers. It carries no data: readers always
/// read the feed after their watermark, so a missed or doubled signal costs latency, never a change.
/// </summary>
internal sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes at the next <see cref="Notify"/>. Take it before reading the feed, then await it:
    /// a change committed after the read always completes the task that was taken.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

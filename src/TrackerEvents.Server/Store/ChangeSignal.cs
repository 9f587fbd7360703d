namespace TrackerEvents.Store;

/// <summary>
/// The in-process "look now" wake-up for change feed readers. It carries no data: readers always
/// read the feed after their watermark, so a missed or doubled signal costs latency, never a change.
/// A write whose changes were all handed over in process (<see cref="ChangeHandoff"/>) wakes the reader
/// without asking it to read the feed (<see cref="NotifyHanded"/>); the reader still reads it when a
/// hand-over does not continue its watermark.
/// </summary>
internal sealed class ChangeSignal(TimeProvider time)
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _notifiedAt;
    private int _readNeeded;

    /// <summary>
    /// Completes at the next <see cref="Notify"/> or <see cref="NotifyHanded"/>. Take it before reading
    /// the feed, then await it: a change committed after the read always completes the task that was taken.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Something was committed (here, or announced by another node): read the feed.</summary>
    public void Notify()
    {
        Interlocked.CompareExchange(ref _notifiedAt, time.GetTimestamp(), 0);
        Volatile.Write(ref _readNeeded, 1);
        Wake();
    }

    /// <summary>Something was committed and all of its changes were handed over: take them.</summary>
    public void NotifyHanded() => Wake();

    /// <summary>Whether a <see cref="Notify"/> came since the last call. Take it after <see cref="Next"/>.</summary>
    public bool TakeReadNeeded() => Interlocked.Exchange(ref _readNeeded, 0) == 1;

    /// <summary>
    /// When the first <see cref="Notify"/> since the last call came (a timestamp; 0: none): the commit of
    /// the oldest change a reader has not yet read, as far as this process knows. For the phase timings only.
    /// </summary>
    public long TakeNotifiedAt() => Interlocked.Exchange(ref _notifiedAt, 0);

    private void Wake() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}

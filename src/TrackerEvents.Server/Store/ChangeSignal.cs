namespace TrackerEvents.Store;

/// <summary>
/// The in-process "look now" wake-up for change feed readers. It carries no data: readers always
/// read the feed after their watermark, so a missed or doubled signal costs latency, never a change.
/// A write whose changes were all handed over in process (<see cref="ChangeHandoff"/>) wakes the reader
/// without asking it to read the feed (<see cref="NotifyHanded"/>); the reader still reads it when a
/// hand-over does not continue its watermark. A notification from the database that says how far the
/// versions go (<see cref="Announce"/>) asks for a read only if the reader's watermark is not there yet: a
/// node's own commits, already handed over, are not read back.
/// </summary>
internal sealed class ChangeSignal(TimeProvider time)
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _notifiedAt;
    private int _readNeeded;
    private long _announced;
    private long _announcedAt;

    /// <summary>
    /// Completes at the next <see cref="Notify"/>, <see cref="Announce"/> or <see cref="NotifyHanded"/>. Take it before reading
    /// the feed, then await it: a change committed after the read always completes the task that was taken.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Something was committed (here, or by another node or program, without saying how far): read the feed.</summary>
    public void Notify()
    {
        Interlocked.CompareExchange(ref _notifiedAt, time.GetTimestamp(), 0);
        Volatile.Write(ref _readNeeded, 1);
        Wake();
    }

    /// <summary>Versions up to <paramref name="version"/> were committed (announced by the database): read the feed if the watermark is below.</summary>
    public void Announce(long version)
    {
        Interlocked.CompareExchange(ref _announcedAt, time.GetTimestamp(), 0);
        var seen = Volatile.Read(ref _announced);
        while (version > seen && Interlocked.CompareExchange(ref _announced, version, seen) is var actual && actual != seen)
        {
            seen = actual;
        }

        Wake();
    }

    /// <summary>
    /// The highest version announced since the last call (0: none), and when the first of those announcements
    /// came (a timestamp, for the phase timings). Take it after <see cref="Next"/>.
    /// </summary>
    public long TakeAnnounced(out long announcedAt)
    {
        announcedAt = Interlocked.Exchange(ref _announcedAt, 0);
        return Interlocked.Exchange(ref _announced, 0);
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

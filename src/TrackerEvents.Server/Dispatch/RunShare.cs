using System.Buffers;
using System.Runtime.ExceptionServices;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Dispatch;

/// <summary>
/// A core's share of a wide <see cref="StateRun"/>: its clients take their states from whichever thread claims the
/// share first. A thread-pool worker then has their transports write at once, in turn on its thread; the dispatcher,
/// which takes the shares that no worker has started rather than wait for them, leaves their writes to a work item
/// queued after the turn (<see cref="LeftToWrite"/>). Used for one run only: a work item that comes late finds the
/// share claimed and does nothing.
/// </summary>
internal sealed class RunShare(StateRun run, int start, int end, int maxHeld) : IThreadPoolWorkItem
{
    private IClientTransport[] _woken = ArrayPool<IClientTransport>.Shared.Rent(end - start);
    private int _count;
    private int _claimed;

    /// <summary>Delivered by the dispatcher: its transports have not written yet (<see cref="Write"/>).</summary>
    public bool LeftToWrite { get; private set; }

    /// <summary>What delivering the share threw, if it did: rethrown on the dispatcher's thread.</summary>
    public ExceptionDispatchInfo? Failure { get; private set; }

    void IThreadPoolWorkItem.Execute()
    {
        if (TryDeliver(onWorker: true))
        {
            Write();
        }
    }

    /// <summary>Delivers the share unless another thread has claimed it; true when this call did.</summary>
    public bool TryDeliver(bool onWorker)
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0)
        {
            return false;
        }

        try
        {
            _count = run.DeliverSlots(start, end, _woken, maxHeld);
        }
        catch (Exception e)
        {
            Failure = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            LeftToWrite = !onWorker;
            run.ShareDelivered(); // last: the dispatcher reads what this share did once every share has signalled
        }

        return true;
    }

    /// <summary>Has the share's transports that now have something to send write it, in turn on this thread.</summary>
    public void Write()
    {
        foreach (var transport in _woken.AsSpan(0, _count))
        {
            transport.WriteNow();
        }

        ArrayPool<IClientTransport>.Shared.Return(_woken, clearArray: true);
        _woken = [];
    }
}

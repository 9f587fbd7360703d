using System.Threading.Channels;

namespace TrackerEvents.Store;

/// <summary>
/// Group commit: single-item writes that arrive while another is being written share the next
/// transaction. One loop takes what has queued up (at most <c>maxItems</c>; after the first item it
/// waits up to <c>delay</c> for more when the queue is empty), writes it with <c>write</c> in one
/// transaction, and then answers each caller: after the commit, never before. When the write throws,
/// every item of it fails with that exception, and since it was one transaction nothing of it is stored.
/// </summary>
/// <remarks>
/// With a single writer (SQLite) or versioning writers serialised by a lock (PostgreSQL), a commit costs
/// about the same for 1 item as for 100; one request per point would otherwise cost one commit each. The
/// natural batch is whatever arrived during the previous commit, so an idle server adds no delay.
/// </remarks>
internal sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _write;
    private readonly int _maxItems;
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private long _commits;
    private long _items;
    private long _writeTicks;

    public GroupCommit(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> write, int maxItems, TimeSpan delay, TimeProvider time)
    {
        _write = write;
        _maxItems = maxItems;
        _delay = delay;
        _time = time;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Transactions written so far.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Items written so far (divided by <see cref="Commits"/>: the mean group size).</summary>
    public long Items => Interlocked.Read(ref _items);

    /// <summary>Time spent writing groups (opening the transaction to its commit), successful or not.</summary>
    public TimeSpan WriteTime => _time.GetElapsedTime(0, Interlocked.Read(ref _writeTicks));

    /// <summary>
    /// Queues the item and completes with its result once its transaction has committed. A caller that
    /// stops waiting (<paramref name="cancellationToken"/>) does not take the item back out of the queue.
    /// </summary>
    public Task<TResult> WriteAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommit<TItem, TResult>), "The store is shutting down.");
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Takes no more items, writes those already queued, and waits for the loop to end.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(_maxItems);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            Take(batch);
            if (batch.Count < _maxItems && _delay > TimeSpan.Zero)
            {
                await Task.Delay(_delay, _time);
                Take(batch);
            }

            var started = _time.GetTimestamp();
            try
            {
                var results = await _write(batch.ConvertAll(p => p.Item));
                Interlocked.Add(ref _writeTicks, _time.GetTimestamp() - started);
                Interlocked.Increment(ref _commits);
                Interlocked.Add(ref _items, batch.Count);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                Interlocked.Add(ref _writeTicks, _time.GetTimestamp() - started);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(e);
                }
            }
        }
    }

    private void Take(List<Pending> batch)
    {
        while (batch.Count < _maxItems && _queue.Reader.TryRead(out var pending))
        {
            batch.Add(pending);
        }
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);
}

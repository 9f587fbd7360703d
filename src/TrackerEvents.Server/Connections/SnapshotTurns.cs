namespace TrackerEvents.Connections;

/// <summary>
/// Large subscribe snapshots (of more than <see cref="LargeFrom"/> trackers) are read and rendered a few at a
/// time, one per processor. Each holds tens of megabytes while it is built (10,000 stored states read, rendered,
/// and laid out in one frame) and keeps a core busy, so building them all at once, as a control room's 50
/// screens do when they connect together, finishes no sooner and grew the heap to 1.1 GB, which the process
/// kept. Small snapshots, the usual subscribe, never wait for a turn.
/// </summary>
internal sealed class SnapshotTurns : IDisposable
{
    public const int LargeFrom = 1000;

    private readonly SemaphoreSlim _turns = new(Environment.ProcessorCount);

    /// <summary>Runs <paramref name="build"/>, after waiting for a turn when the snapshot is large.</summary>
    public async Task RunAsync(int trackers, Func<Task> build, CancellationToken cancellationToken)
    {
        if (trackers <= LargeFrom)
        {
            await build();
            return;
        }

        await _turns.WaitAsync(cancellationToken);
        try
        {
            await build();
        }
        finally
        {
            _turns.Release();
        }
    }

    public void Dispose() => _turns.Dispose();
}

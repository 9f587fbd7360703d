namespace TrackerEvents.Connections;

/// <summary>
/// Wakes one waiting async flow: <see cref="Set"/> completes the current <see cref="WaitAsync"/>, or, when
/// nobody waits, makes the next one return at once. A waiting flow holds no thread.
/// </summary>
internal sealed class WakeSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _wake;
    private bool _signaled;

    public Task WaitAsync()
    {
        lock (_gate)
        {
            if (_signaled)
            {
                _signaled = false;
                return Task.CompletedTask;
            }

            _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _wake.Task;
        }
    }

    public void Set()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            wake = _wake;
            _wake = null;
            _signaled = wake is null;
        }

        wake?.TrySetResult();
    }

    /// <summary>Forgets a signal nobody waited for (a new request starts afresh).</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _signaled = false;
        }
    }
}

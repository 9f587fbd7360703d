namespace TrackerEvents.Store;

/// <summary>
/// A piece of upkeep run every <see cref="Interval"/> in the background (a checkpoint, pruning the change log,
/// the connection-status sweep), on the injected clock. A tick that fails is logged, once until a tick succeeds
/// again, and the next tick tries again: a database that is away for a while writes one warning, not one a tick.
/// </summary>
internal abstract class PeriodicUpkeep(TimeProvider time) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>The clock the ticks run on.</summary>
    protected TimeProvider Time => time;

    /// <summary>One tick's work.</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>Logs the first of a run of failed ticks.</summary>
    protected abstract void LogFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        var failing = false;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                failing = false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                if (!failing)
                {
                    LogFailed(e);
                    failing = true;
                }
            }
        }
    }
}

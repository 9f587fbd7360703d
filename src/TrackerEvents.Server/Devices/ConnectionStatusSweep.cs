using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;
using TrackerEvents.Store;

namespace TrackerEvents.Devices;

/// <summary>
/// Every <see cref="DevicesOptions.SweepInterval"/>: marks the trackers whose device has gone silent
/// <c>idle</c> and then <c>offline</c> (<see cref="ConnectionStatusRules"/>; each tracker's own silences
/// where set), a state change that subscribers receive like any other; and writes the unknown devices
/// counted since the last sweep. On several nodes every node sweeps, and a transition is still written
/// once: only onto the state version the sweep read (<see cref="ConnectionStatusStore.MarkAsync"/>).
/// </summary>
internal sealed partial class ConnectionStatusSweep(
    ConnectionStatusStore store, UnknownDeviceStore unknown, IOptions<DevicesOptions> options, TimeProvider time,
    ILogger<ConnectionStatusSweep> logger) : PeriodicUpkeep(time)
{
    /// <summary>Most trackers examined by one sweep; a sweep that finds more goes on with the next batch.</summary>
    public const int BatchSize = 5000;

    private long _sweeps;

    /// <summary>Sweeps completed since start.</summary>
    public long Sweeps => Interlocked.Read(ref _sweeps);

    protected override TimeSpan Interval => options.Value.SweepInterval;

    protected override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await SweepAsync(cancellationToken);
        await unknown.FlushAsync(cancellationToken);
        Interlocked.Increment(ref _sweeps);
    }

    protected override void LogFailed(Exception exception) => LogFailed(logger, exception);

    /// <summary>One sweep: every silent tracker whose status is due is marked. Returns the transitions this node wrote.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var devices = options.Value;
        var marked = 0;
        while (true)
        {
            var now = Time.GetUtcNow();
            var silent = await store.FindSilentAsync(now, devices.IdleAfter, devices.OfflineAfter, BatchSize, cancellationToken);
            var transitions = Due(silent, now, devices);
            var written = await store.MarkAsync(transitions, cancellationToken);
            marked += written.Count;
            if (written.Count > 0)
            {
                LogMarked(logger, written.Count);
            }

            // A full batch may have left more behind it; one in which nothing could be written would be read again.
            if (silent.Count < BatchSize || written.Count == 0)
            {
                return marked;
            }
        }
    }

    /// <summary>The transitions due among trackers read as silent: those whose status has not been written yet.</summary>
    internal static List<StatusTransition> Due(IEnumerable<SilentTracker> silent, DateTimeOffset now, DevicesOptions devices)
    {
        var due = new List<StatusTransition>();
        foreach (var tracker in silent)
        {
            var status = ConnectionStatusRules.For(now - tracker.ReportedAt, tracker.IdleAfter ?? devices.IdleAfter,
                tracker.OfflineAfter ?? devices.OfflineAfter);
            if (status is not null && status != tracker.SweptStatus)
            {
                due.Add(new StatusTransition(tracker.TrackerId, tracker.Version, status, tracker.State with { ConnectionStatus = status }));
            }
        }

        return due;
    }

    [LoggerMessage(EventId = LogEvents.StatusSweepMarked, Level = LogLevel.Debug, Message = "Connection-status sweep marked {Count} silent trackers")]
    private static partial void LogMarked(ILogger logger, int count);

    [LoggerMessage(EventId = LogEvents.StatusSweepFailed, Level = LogLevel.Warning, Message = "Connection-status sweep failed; the next sweep tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

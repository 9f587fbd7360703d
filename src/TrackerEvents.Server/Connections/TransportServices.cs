using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;
using TrackerEvents.Dispatch;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>What every transport of the event endpoint works with: its settings, the clock and timer wheel, the action
/// handler, the dispatcher (to resume a client), the counters, the log and the host's shutdown.</summary>
internal sealed class TransportServices(
    IOptions<AtmosphereOptions> options, TimeProvider time, TimerWheel wheel, ActionHandler actions, ChangeDispatcher dispatcher, ConnectionMetrics metrics,
    PhaseTimings timings, IHostApplicationLifetime lifetime, ILoggerFactory loggers)
{
    public AtmosphereOptions Options => options.Value;

    public TimeProvider Time => time;

    public TimerWheel Wheel => wheel;

    public ActionHandler Actions => actions;

    public ChangeDispatcher Dispatcher => dispatcher;

    public ConnectionMetrics Metrics => metrics;

    /// <summary>The phase histograms: transports time the last phase, from dispatch to the end of the write.</summary>
    public PhaseTimings Timings => timings;

    /// <summary>One log category for every connection's open and close lines.</summary>
    public ILogger Logger { get; } = loggers.CreateLogger("TrackerEvents.Connections");

    /// <summary>Set when the host begins to stop: transports end their connections.</summary>
    public CancellationToken Stopping => lifetime.ApplicationStopping;

    /// <summary>Set when the host has stopped: pending socket operations are cancelled.</summary>
    public CancellationToken Stopped => lifetime.ApplicationStopped;

    /// <summary>How long a resumed client's last writes count as unconfirmed: as long as a dead peer can go unnoticed.</summary>
    public TimeSpan UnconfirmedWindow => Options.ClientHeartbeat * Options.DeadPeerIntervals;

    /// <summary>Resumes a client that reconnected: what may have been lost since <paramref name="lostSince"/> (less the unconfirmed window) goes again.</summary>
    public Task ResumeAsync(AtmosphereClient client, long lostSince, CancellationToken cancellationToken) =>
        dispatcher.ResumeAsync(client, lostSince - (long)(UnconfirmedWindow.TotalSeconds * time.TimestampFrequency), cancellationToken);
}

using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;
using TrackerEvents.Messages;
using TrackerEvents.Protocol;
using TrackerEvents.Store;
using TrackerEvents.Subscriptions;
using TrackerEvents.Tracking;

namespace TrackerEvents.Dispatch;

/// <summary>
/// Reads the change feed after its watermark whenever the store signals a change, and at least every
/// <see cref="StoreOptions.SafetyPollInterval"/>, and routes each change to the clients watching it.
/// Because it reads by version rather than trusting the signal, a missed wake-up or a failed read
/// only delays delivery: nothing committed is skipped. The state changes this process commits are
/// handed over with their versions (<see cref="ChangeHandoff"/>) and routed without a feed read when
/// they continue the watermark; when they do not, the feed is read, so the order holds either way.
/// </summary>
internal sealed class ChangeDispatcher(
    ChangeFeed feed, ChangeHandoff handoff, StateStore stateStore, ChangeSignal signal, SubscriptionIndex index, ClientRegistry registry,
    TimerWheel wheel, PhaseTimings timings, IOptions<StoreOptions> options, TimeProvider time, ILogger<ChangeDispatcher> logger) : BackgroundService
{
    private const int BatchSize = 2000;
    private readonly Payload _logout = EventFrames.Logout();
    private readonly VersionHistory _history = new(time);
    private readonly StateRun _run = new(wheel.Turn);
    private readonly PendingAnnouncement _announced = new(time);
    private long _watermark = -1;
    private readonly FeedReadFailures _failures = new(logger);
    private long _dispatched;
    private long _handed;
    private long _feedReads;

    /// <summary>Changes routed since start (read from the feed or handed over).</summary>
    public long Dispatched => Interlocked.Read(ref _dispatched);

    /// <summary>Of <see cref="Dispatched"/>, the changes this process committed and handed over in process.</summary>
    public long Handed => Interlocked.Read(ref _handed);

    /// <summary>Reads of the change feed since start.</summary>
    public long FeedReads => Interlocked.Read(ref _feedReads);

    /// <summary>Whether the last read of the feed failed (the store is unreachable).</summary>
    public bool Failing => _failures.Failing;

    /// <summary>The highest version dispatched so far.</summary>
    public long Watermark => Interlocked.Read(ref _watermark);

    /// <summary>Starts from the store's current version, so that nothing committed after start-up is missed.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref _watermark, await feed.GetCurrentVersionAsync(cancellationToken));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var announcedAt = 0L; // when the oldest change not yet dispatched was committed, as far as this process knows
        var readDue = true;   // the first pass, a failed or unfinished read
        var lastRead = time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = signal.Next;
            readDue |= signal.TakeReadNeeded() || time.GetElapsedTime(lastRead) >= options.Value.SafetyPollInterval;
            var notifiedAt = signal.TakeNotifiedAt();
            announcedAt = PhaseTimings.Earliest(announcedAt, notifiedAt);
            try
            {
                if (Watermark < 0)
                {
                    await InitializeAsync(stoppingToken);
                }

                if (await DispatchHandedAsync(stoppingToken) is var missedAt and not 0)
                {
                    readDue = true; // a hand-over did not continue the watermark: the feed has it, in order
                    announcedAt = PhaseTimings.Earliest(announcedAt, missedAt);
                }

                // Taken after the hand-overs: a node's own commit, announced by the database too, is read no more.
                // Nor is another node's that carried its changes: they were handed over before the announcement
                // came, but perhaps after the hand-overs were taken, so they are taken again before a read. One of
                // this node's own may still be on its way while a write is under way (PendingAnnouncement). Whether
                // one is, is asked before the hand-overs are taken: a write posts its hand-over before it ends, so
                // one that has ended by then has been taken.
                var announced = _announced.Take(signal.TakeAnnounced(out var versionAnnouncedAt), ref versionAnnouncedAt);
                var writing = handoff.Writing > 0;
                if (announced > Watermark && (await DispatchHandedAsync(stoppingToken) != 0 || announced > Watermark)
                    && (readDue || !_announced.Keep(announced, versionAnnouncedAt, writing, options.Value.HandOverWait)))
                {
                    readDue = true;
                    announcedAt = PhaseTimings.Earliest(announcedAt, versionAnnouncedAt);
                }

                if (readDue)
                {
                    readDue = false;
                    lastRead = timings.Now();
                    var batch = await feed.ReadChangesAsync(Watermark, BatchSize, stoppingToken);
                    Interlocked.Increment(ref _feedReads); // before its changes reach anyone: a client that saw one sees the read counted
                    var dispatchedAt = timings.Now();
                    timings.FeedRead.Observe(dispatchedAt - lastRead);
                    if (announcedAt != 0)
                    {
                        timings.CommitToDispatch.Observe(dispatchedAt - announcedAt, batch.Changes.Count);
                    }

                    announcedAt = 0;
                    await DispatchAsync(batch.Changes, dispatchedAt, stoppingToken);
                    Advance(batch.Watermark, batch.Changes.Count);
                    _failures.Succeeded(Watermark);

                    if (batch.More)
                    {
                        readDue = true;
                        continue;
                    }
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                readDue = true;
                _failures.Failed(e);
            }

            await Task.WhenAny(wake, Task.Delay(_announced.Waiting ? options.Value.HandOverWait : _failures.Wait(options.Value.SafetyPollInterval), time, stoppingToken));
        }
    }

    /// <summary>
    /// Dispatches the changes this process committed and handed over (<see cref="ChangeHandoff"/>), as far
    /// as their versions continue the watermark without a gap; hand-overs the feed has already brought are
    /// dropped. Several hand-overs taken at once (the dispatcher fell behind) are conflated as a feed read
    /// is: each tracker once, at its latest version, so a backlog costs less work, not more. Returns 0, or
    /// the commit time of the first hand-over that did not continue the watermark: then something else was
    /// committed in between, and the feed must be read.
    /// </summary>
    private async Task<long> DispatchHandedAsync(CancellationToken cancellationToken)
    {
        var missedAt = 0L;
        var chain = new List<HandedChanges>();
        var next = Watermark + 1;
        foreach (var handed in handoff.TakeAll())
        {
            if (handed.Last < next)
            {
                continue;
            }

            if (missedAt != 0 || handed.First != next || !handed.Contiguous)
            {
                missedAt = missedAt == 0 ? handed.CommittedAt : missedAt;
                continue;
            }

            chain.Add(handed);
            next = handed.Last + 1;
        }

        if (chain.Count == 0)
        {
            return missedAt;
        }

        var dispatchedAt = timings.Now();
        foreach (var handed in chain)
        {
            timings.CommitToDispatch.Observe(dispatchedAt - handed.CommittedAt, handed.Changes.Count);
            Interlocked.Add(ref _handed, handed.Changes.Count);
        }

        var changes = chain.Count == 1 ? chain[0].Changes : HandedChanges.Conflate(chain);
        await DispatchAsync(changes, dispatchedAt, cancellationToken);
        Advance(next - 1, changes.Count);
        return missedAt;
    }

    private void Advance(long watermark, int dispatched)
    {
        Interlocked.Exchange(ref _watermark, watermark);
        Interlocked.Add(ref _dispatched, dispatched);
        _history.Record(watermark);
    }

    /// <summary>
    /// Re-delivers, to a client that reconnected, the current state of every tracker it was sent a
    /// state for since <paramref name="since"/>: messages written shortly before a connection died may
    /// never have arrived (TCP accepts writes until the loss is noticed), and what changed after the
    /// drop is already waiting in the client's outbox.
    /// </summary>
    public async Task ResumeAsync(AtmosphereClient client, long since, CancellationToken cancellationToken)
    {
        var trackers = client.Subscriptions.TrackersSentAfter(_history.VersionAt(since));
        if (trackers.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        client.Subscriptions.Redeliver((await stateStore.GetSnapshotAsync(trackers, cancellationToken)).Select(s => StateRendering.Of(s, now)));
        client.NotifyTransport();
    }

    private async Task DispatchAsync(IReadOnlyList<Change> changes, long dispatchedAt, CancellationToken cancellationToken)
    {
        var touched = new HashSet<AtmosphereClient>();
        var needState = new HashSet<long>();
        var now = time.GetUtcNow();
        foreach (var change in changes)
        {
            if (change is StateChange state)
            {
                Route(state, now, dispatchedAt);
                continue;
            }

            _run.Deliver(); // the states before this change go first
            switch (change)
            {
                case ReadingChange reading:
                    foreach (var client in index.WatchingTracker(reading.TrackerId))
                    {
                        client.Subscriptions.DeliverReading(reading, now);
                    }

                    break;
                case LifecycleChange lifecycle:
                    var rendering = new LifecycleRendering(lifecycle);
                    lock (wheel.Turn)
                    {
                        foreach (var client in index.WatchingTracker(lifecycle.TrackerId))
                        {
                            if (client.Subscriptions.DeliverLifecycle(rendering))
                            {
                                needState.Add(lifecycle.TrackerId);
                            }

                            touched.Add(client);
                        }
                    }

                    break;
                case ClientClosedChange closed:
                    registry.Close(closed.TrackingId, System.Net.IPAddress.TryParse(closed.Address, out var address) ? address : null);
                    break;
                case SessionEndedChange ended:
                    foreach (var client in index.UsingSession(ended.SessionId))
                    {
                        client.Subscriptions.EndSession(ended.SessionId, _logout);
                        touched.Add(client);
                    }

                    break;
            }
        }

        _run.Deliver();
        if (needState.Count > 0)
        {
            // After unblock the current state goes out, changed or not.
            foreach (var state in await stateStore.GetSnapshotAsync(needState, cancellationToken))
            {
                Route(state, now, dispatchedAt);
            }

            _run.Deliver();
        }

        foreach (var client in touched)
        {
            client.NotifyTransport();
        }
    }

    /// <summary>Queues a state for its watchers (<see cref="StateRun"/>), rendered only if someone watches it; a blocked tracker's goes nowhere.</summary>
    private void Route(StateChange state, DateTimeOffset now, long dispatchedAt)
    {
        var clients = state.Blocked ? [] : index.WatchingTracker(state.TrackerId);
        if (clients.Length == 0)
        {
            return;
        }

        _run.Add(StateRendering.Of(state, now, dispatchedAt), clients);
        if (_run.IsFull)
        {
            _run.Deliver();
        }
    }
}

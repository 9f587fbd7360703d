using System.Globalization;
using Npgsql;
using TrackerEvents.Diagnostics;

namespace TrackerEvents.Store;

/// <summary>
/// Turns the triggers' <c>NOTIFY trackerevents_changes</c> into <see cref="ChangeSignal.Announce"/> (the payload
/// is how far the versions go: sql/postgres/0006_writer_versions.sql) or, for any other payload,
/// <see cref="ChangeSignal.Notify"/>, so that a change committed through any node (or by any other program)
/// wakes the feed readers of this one. The state changes another node carries in its notifications
/// (<see cref="CarriedChanges"/>) are handed to the dispatcher as this node's own commits are
/// (<see cref="ChangeHandoff"/>); they arrive before the notice of their versions, so that notice asks for no read.
/// Notifications are only wake-ups: readers read the feed by version, so a notification lost while the
/// connection was down costs latency, and the announcement of the current version after each reconnect
/// (and the readers' safety poll) covers it.
/// </summary>
internal sealed partial class PostgresChangeListener(PostgresDialect dialect, ChangeSignal signal, CarriedChanges carried, ChangeHandoff handoff,
    TimeProvider time, ILogger<PostgresChangeListener> logger) : BackgroundService
{
    internal static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    internal static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    // WaitAsync returns when a notification arrives; after this long without one the connection is
    // probed, so that a server that vanished without closing the socket is noticed.
    private static readonly TimeSpan ProbeAfter = TimeSpan.FromSeconds(10);

    private const string Listen = "LISTEN " + PostgresDialect.ChangesChannel;

    private int _listening;

    /// <summary>Whether the listener is connected and listening (it has announced how far the versions went while it was not).</summary>
    public bool Listening => Volatile.Read(ref _listening) == 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = FirstRetry;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dialect.OpenListenerAsync(stoppingToken);
                connection.Notification += OnNotification;
                await using (var listen = new NpgsqlCommand(Listen, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                if (failures > 0)
                {
                    LogReconnected(logger, failures);
                }

                // Anything committed while this node was not listening (or before it first listened) was not
                // announced to it: announce how far the versions go now (the dispatcher's own starting point,
                // current_change_version()), as a notification would. A commit of this node's own that is still
                // on its way to its dispatcher is then waited for, not read back.
                await using (var current = new NpgsqlCommand(dialect.SelectCurrentVersion, connection))
                {
                    signal.Announce(await current.ExecuteScalarAsync(stoppingToken) is long version ? version : 0); // 0 still wakes
                }

                retry = FirstRetry;
                failures = 0;
                Volatile.Write(ref _listening, 1);
                await ListenAsync(connection, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                Volatile.Write(ref _listening, 0);
                // Never let the process die for this: log, wait, reconnect. (The database being down is
                // also reported by the health check and by every API call that needs it.)
                failures++;
                LogLost(logger, retry.TotalMilliseconds, failures, e);
            }

            try
            {
                await Task.Delay(retry, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
        }
    }

    private static async Task ListenAsync(NpgsqlConnection connection, CancellationToken stoppingToken)
    {
        await using var probe = new NpgsqlCommand("SELECT 1", connection);
        while (true)
        {
            if (!await connection.WaitAsync(ProbeAfter, stoppingToken))
            {
                await probe.ExecuteScalarAsync(stoppingToken); // throws if the connection is dead
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs e)
    {
        if (long.TryParse(e.Payload, NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            signal.Announce(version);
        }
        else if (carried.Read(e.Payload) is { } changes) // null: not a carried payload, or one that does not read
        {
            if (changes.Count > 0) // none: this node's own, handed over at its commit
            {
                handoff.Post(changes, time.GetTimestamp());
                signal.NotifyHanded();
            }
        }
        else
        {
            signal.Notify(); // nothing said, or carried changes that do not read: the feed has it
        }
    }

    [LoggerMessage(EventId = LogEvents.ChangeListenerLost, Level = LogLevel.Warning,
        Message = "Change listener has no database connection; reconnecting in {RetryMs} ms (attempt {Attempt})")]
    private static partial void LogLost(ILogger logger, double retryMs, int attempt, Exception exception);

    [LoggerMessage(EventId = LogEvents.ChangeListenerReconnected, Level = LogLevel.Information, Message = "Change listener reconnected after {Failures} failed attempts")]
    private static partial void LogReconnected(ILogger logger, int failures);
}

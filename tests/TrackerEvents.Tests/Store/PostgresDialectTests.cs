using System.Net;
using System.Net.Sockets;
using Dapper;
using Npgsql;
using TrackerEvents.Dispatch;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Store;

/// <summary>What only PostgreSQL has: several writers at once, NOTIFY wake-ups, a listener connection, fail-fast settings.</summary>
public sealed class PostgresDialectTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void ConnectionString_FailFastDefaults_AreFilledInOnlyWhereTheUserSetNothing()
    {
        var filled = new NpgsqlConnectionStringBuilder(PostgresDialect.WithDefaults("Host=db;Database=te;Username=u;Password=p"));
        filled.Timeout.Should().Be(3);
        filled.CommandTimeout.Should().Be(10);
        filled.TcpKeepAlive.Should().BeTrue();
        filled.ApplicationName.Should().Be("TrackerEvents");
        filled.NoResetOnClose.Should().BeTrue();
        filled.Host.Should().Be("db");
        filled.Password.Should().Be("p");

        // Any spelling the user chose wins, the default value included.
        var kept = new NpgsqlConnectionStringBuilder(PostgresDialect.WithDefaults(
            "Host=db;Database=te;Username=u;timeout=15;CommandTimeout=30;Tcp Keepalive=false;Application Name=ops"));
        kept.Timeout.Should().Be(15);
        kept.CommandTimeout.Should().Be(30);
        kept.TcpKeepAlive.Should().BeFalse();
        kept.ApplicationName.Should().Be("ops");
    }

    [Fact]
    public void IsUnavailable_IsTrueForConnectionLevelFailures_AndFalseForFailedStatements()
    {
        var dialect = new PostgresDialect("Host=127.0.0.1;Database=none");

        Exception[] unavailable =
        [
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)),
            new NpgsqlException("Exception while reading from stream", new EndOfStreamException()),
            new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt")),
            new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"),
            new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"),
            new PostgresException("the database system is shutting down", "FATAL", "FATAL", "57P03"),
            new PostgresException("connection failure", "FATAL", "FATAL", "08006"),
            new InvalidOperationException("wrapped", new NpgsqlException("x", new IOException("broken pipe"))),
        ];
        Exception[] statementErrors =
        [
            new PostgresException("duplicate key value violates unique constraint", "ERROR", "ERROR", "23505"),
            new PostgresException("syntax error at or near \"$1\"", "ERROR", "ERROR", "42601"),
            new PostgresException("deadlock detected", "ERROR", "ERROR", "40P01"),
            new PostgresException("canceling statement due to user request", "ERROR", "ERROR", "57014"),
            new InvalidOperationException("not a database problem"),
            new NpgsqlException("no inner exception"),
        ];

        unavailable.Should().AllSatisfy(e => dialect.IsUnavailable(e).Should().BeTrue(e.Message));
        statementErrors.Should().AllSatisfy(e => dialect.IsUnavailable(e).Should().BeFalse(e.Message));
    }

    [Fact]
    public async Task IsUnavailable_WhenNothingListensOnThePort()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var dialect = new PostgresDialect($"Host=127.0.0.1;Port={port};Database=none;Username=none");

        var failure = await FluentActions.Awaiting(async () => await dialect.OpenAsync(CancellationToken.None)).Should().ThrowAsync<Exception>();

        dialect.IsUnavailable(failure.Which).Should().BeTrue(failure.Which.ToString());
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task PlainSqlWrite_WakesTheServer_ThroughNotify(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("alice");
        var (trackerId, _) = await server.CreateTrackerAsync("alice");
        var woken = server.Service<ChangeSignal>().Next;

        await using (var db = await server.Database!.OpenAsync())
        {
            await db.ExecuteAsync("UPDATE tracker_states SET state = '{}' WHERE tracker_id = @Id", new { Id = trackerId });
        }

        await woken.WaitAsync(Timeout);
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task TwoNodes_AWriteThroughOne_WakesTheOther_AndIsInItsFeed(Engine engine)
    {
        await using var database = await TestDatabase.CreateAsync(engine);
        await using var first = await RunningServer.StartOnAsync(database);
        await using var second = await RunningServer.StartOnAsync(database);
        await first.CreateUserAsync("bob");
        var (trackerId, _) = await first.CreateTrackerAsync("bob");
        var before = await second.CurrentVersionAsync();
        var woken = second.Service<ChangeSignal>().Next;

        (await first.IngestStatesAsync(new { tracker_id = trackerId, battery_level = 77 })).ShouldSucceed();

        await woken.WaitAsync(Timeout);
        var change = (await second.ChangesAfterAsync(before)).Should().ContainSingle().Subject;
        change.GetProperty("state").GetProperty("battery_level").GetInt32().Should().Be(77);
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task Listener_WhoseConnectionIsKilled_ReconnectsByItself_AndListensAgain(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await using var db = (NpgsqlConnection)await server.Database!.OpenAsync();
        var signal = server.Service<ChangeSignal>();
        var first = 0;
        await Eventually.Until(async () => (first = await ListenerPidAsync(db)) != 0, Timeout, "the listener to connect");
        var afterReconnect = signal.Next;

        (await db.ExecuteScalarAsync<bool>("SELECT pg_terminate_backend(@Pid)", new { Pid = first })).Should().BeTrue();

        var second = 0;
        await Eventually.Until(async () => (second = await ListenerPidAsync(db)) is not 0 && second != first, Timeout, "the listener to reconnect");
        await afterReconnect.WaitAsync(Timeout); // it looks once after reconnecting: changes may have been missed
        await ListenedAsync(server, db, second);
        var woken = signal.Next;
        await db.ExecuteAsync("NOTIFY " + PostgresDialect.ChangesChannel);
        await woken.WaitAsync(Timeout);
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task APooledConnection_ReturnedInsideATransaction_ComesBackRolledBack_WithoutTheReset(Engine engine)
    {
        // The pool skips Npgsql's reset (No Reset On Close): what must still hold is that a connection given
        // back with a transaction open, its rows written and locked, is rolled back before anyone uses it again.
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("dora");
        var (tracker, _) = await server.CreateTrackerAsync("dora");
        int pid;
        await using (var left = (NpgsqlConnection)await server.Database!.OpenAsync())
        {
            pid = left.ProcessID;
            var transaction = await left.BeginTransactionAsync();
            await left.ExecuteAsync("UPDATE tracker_states SET state = '{\"left_open\":1}' WHERE tracker_id = @Id", new { Id = tracker }, transaction);
        }

        await using var next = (NpgsqlConnection)await server.Database!.OpenAsync();
        next.ProcessID.Should().Be(pid, "the pool hands out the connection it was given back");
        (await next.ExecuteScalarAsync<string>("SELECT state FROM tracker_states WHERE tracker_id = @Id", new { Id = tracker }))
            .Should().NotContain("left_open");
        (await next.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM pg_locks WHERE pid = @Pid AND locktype = 'transactionid'", new { Pid = pid }))
            .Should().Be(0, "the transaction, and its row locks, are gone");
        (await server.IngestStatesAsync(new { tracker_id = tracker, battery_level = 2 })).ShouldSucceed();
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task AVersionHeldByAnOpenTransaction_HoldsBackLaterWriters_AndTheCurrentVersion(Engine engine)
    {
        await using var server = await RunningServer.StartAsync(engine);
        await server.CreateUserAsync("carol");
        var (first, _) = await server.CreateTrackerAsync("carol");
        var (second, _) = await server.CreateTrackerAsync("carol");
        var before = await server.CurrentVersionAsync();
        await using var writer = (NpgsqlConnection)await server.Database!.OpenAsync();
        await using var observer = (NpgsqlConnection)await server.Database!.OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await writer.ExecuteAsync("UPDATE tracker_states SET state = '{\"battery_level\":1}' WHERE tracker_id = @Id", new { Id = first }, transaction);
        var held = await writer.ExecuteScalarAsync<long>("SELECT version FROM tracker_states WHERE tracker_id = @Id", new { Id = first }, transaction);

        // Had the later write taken a version and committed now, a reader would move its watermark past
        // `held` before that version became visible, and never see it.
        var ingest = server.IngestStatesAsync(new { tracker_id = second, battery_level = 2 });
        var current = server.CurrentVersionAsync();
        await Eventually.Until(async () => await observer.ExecuteScalarAsync<long>(
            """
            SELECT COUNT(*) FROM pg_locks
             WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """) == 2, Timeout, "both to wait for the version lock");
        ingest.IsCompleted.Should().BeFalse();
        current.IsCompleted.Should().BeFalse();

        await transaction.CommitAsync();

        (await ingest.WaitAsync(Timeout)).ShouldSucceed();
        (await current.WaitAsync(Timeout)).Should().BeGreaterThanOrEqualTo(held);
        var versions = (await server.ChangesAfterAsync(before)).ToDictionary(c => c.GetProperty("tracker_id").GetInt64(), c => c.GetProperty("version").GetInt64());
        versions[first].Should().Be(held);
        versions[second].Should().BeGreaterThan(held);
    }

    /// <summary>The backend of the server's listener connection, or 0 while there is none.</summary>
    [Theory, EngineData(Engine.Postgres)]
    public async Task Listener_Reconnecting_AnnouncesHowFarTheVersionsGo_SoANodeThatHasThemReadsNothing(Engine engine)
    {
        // After a reconnect the listener says how far the versions went while it was away, as a notification does,
        // rather than asking for a read: a node that has dispatched them reads nothing, and a commit of its own that
        // is on its way to its dispatcher as the listener connects is waited for, not read back (HandOverWaitTests).
        await using var server = await RunningServer.StartAsync(engine, "Store:SafetyPollInterval=00:10:00");
        await server.CreateUserAsync("erin");
        var (tracker, _) = await server.CreateTrackerAsync("erin");
        var dispatcher = server.Service<ChangeDispatcher>();
        var created = await server.CurrentVersionAsync();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= created), Timeout, "the set-up to be dispatched");
        await using var db = (NpgsqlConnection)await server.Database!.OpenAsync();
        var first = 0;
        await Eventually.Until(async () => (first = await ListenerPidAsync(db)) != 0, Timeout, "the listener to connect");
        await ListenedAsync(server, db, first);
        var reads = dispatcher.FeedReads;
        var afterReconnect = server.Service<ChangeSignal>().Next;

        (await db.ExecuteScalarAsync<bool>("SELECT pg_terminate_backend(@Pid)", new { Pid = first })).Should().BeTrue();
        await afterReconnect.WaitAsync(Timeout);
        (await server.IngestStatesAsync(new { tracker_id = tracker, battery_level = 40 })).ShouldSucceed();
        var written = await server.CurrentVersionAsync();
        await Eventually.Until(() => Task.FromResult(dispatcher.Watermark >= written), Timeout, "the write to be dispatched");

        dispatcher.FeedReads.Should().Be(reads, "the reconnect announced versions this node had dispatched already");
    }

    // The listener asks how far the versions go right after its LISTEN: once its connection has run that, it listens.
    private static Task ListenedAsync(RunningServer server, NpgsqlConnection db, int pid) =>
        Eventually.Until(async () => await db.ExecuteScalarAsync<bool>(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = @Pid AND state = 'idle' AND query = @Query)",
            new { Pid = pid, Query = server.Service<PostgresDialect>().SelectCurrentVersion }), Timeout, "the listener to LISTEN and announce");

    private static async Task<int> ListenerPidAsync(NpgsqlConnection db) =>
        await db.ExecuteScalarAsync<int?>(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'TrackerEvents listener' AND pid <> pg_backend_pid()") ?? 0;
}

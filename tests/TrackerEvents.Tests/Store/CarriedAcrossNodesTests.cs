using System.Collections.Concurrent;
using Dapper;
using Npgsql;
using TrackerEvents.Dispatch;
using TrackerEvents.Store;
using TrackerEvents.Tests.Infrastructure;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Store;

/// <summary>
/// Two nodes on one PostgreSQL database: the states node A commits reach node B's viewers carried in A's
/// notifications, without a feed read on B, and whatever cannot be carried (too large, or a payload that does not
/// read) still arrives, through the feed. The safety poll is ten minutes away, so only the mechanism under test
/// delivers.
/// </summary>
public sealed class CarriedAcrossNodesTests
{
    private const string NoSafetyPoll = "Store:SafetyPollInterval=00:10:00";

    [Theory, EngineData(Engine.Postgres)]
    public async Task ABatchCommittedOnNodeA_ReachesNodeB_CarriedInSeveralNotifications_WithoutAFeedRead(Engine engine)
    {
        await using var pair = await Pair.StartAsync(engine, trackers: 40);
        await using var socket = await pair.SubscribeOnBAsync();
        var payloads = await pair.ListenAsync();
        var (reads, handed, takenByA, takenByB) = (pair.DispatcherB.FeedReads, pair.DispatcherB.Handed, pair.CarriedA.Taken, pair.CarriedB.Taken);

        var note = new string('n', 300);
        (await pair.A.IngestStatesAsync([.. pair.Trackers.Select(t => new { tracker_id = t, battery_level = 61, additional = new { note } })]))
            .ShouldSucceed();

        var trackers = new HashSet<long>();
        for (var i = 0; i < pair.Trackers.Length; i++)
        {
            var state = (await socket.NextEventAsync("state")).GetProperty("data");
            state.GetProperty("battery_level").GetInt32().Should().Be(61);
            state.GetProperty("additional").GetProperty("note").GetProperty("value").GetString().Should().Be(note);
            trackers.Add(state.GetProperty("source_id").GetInt64());
        }

        trackers.Should().HaveCount(pair.Trackers.Length, "every tracker's state arrived once");
        await Eventually.Until(() => Task.FromResult(payloads.Count(p => p.StartsWith('c')) > 1), TimeSpan.FromSeconds(5), "the chunks to be seen");
        pair.CarriedB.Taken.Should().Be(takenByB + pair.Trackers.Length, "node B took every change from the notifications");
        pair.DispatcherB.Handed.Should().Be(handed + pair.Trackers.Length);
        pair.DispatcherB.FeedReads.Should().Be(reads, "the notice of the versions came after the changes, so it asked for no read");
        pair.CarriedA.Taken.Should().Be(takenByA, "node A knows its own payloads and skips them");
        pair.A.Service<OneStatementWrite>().Writes.Should().Be(1, "node A remembered every state it merged onto");
        (await pair.B.Http.GetStringAsync("/metrics")).Should().Contain($"\ntrackerevents_changes_carried_total {takenByB + pair.Trackers.Length}\n");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task AStateTooLargeToCarry_ReachesNodeB_ThroughTheFeed(Engine engine)
    {
        await using var pair = await Pair.StartAsync(engine, trackers: 2);
        await using var socket = await pair.SubscribeOnBAsync();
        var (reads, takenByB) = (pair.DispatcherB.FeedReads, pair.CarriedB.Taken);

        var note = new string('x', CarriedChanges.ChunkBytes);
        (await pair.A.IngestStatesAsync(new { tracker_id = pair.Trackers[0], battery_level = 1 },
            new { tracker_id = pair.Trackers[1], additional = new { note } })).ShouldSucceed();

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32().Should().Be(1);
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("additional").GetProperty("note").GetProperty("value").GetString()
            .Should().Be(note);
        pair.CarriedB.Taken.Should().Be(takenByB + 1, "the rows before the state too large for a notification were carried");
        pair.DispatcherB.FeedReads.Should().BeGreaterThan(reads, "the large state came through the feed");
    }

    [Theory, EngineData(Engine.Postgres)]
    public async Task ACarriedPayloadThatDoesNotRead_TakesNothing_AndTheListenerGoesOn(Engine engine)
    {
        await using var pair = await Pair.StartAsync(engine, trackers: 1);
        await using var socket = await pair.SubscribeOnBAsync();
        var tracker = pair.Trackers[0];
        await using var db = (NpgsqlConnection)await pair.Database.OpenAsync();
        var before = await db.ExecuteScalarAsync<long>("SELECT current_change_version()");

        // Another program's write, and a forged payload claiming its version with another state: the feed decides.
        await db.ExecuteAsync("UPDATE tracker_states SET state = @State WHERE tracker_id = @Id",
            new { State = """{"battery_level":42,"connection_status":"active"}""", Id = tracker });
        await db.ExecuteAsync("SELECT pg_notify('trackerevents_changes', @Payload)",
            new { Payload = $$"""c{{before}}:forged:[[1,{{tracker}},1,1,false,{"battery_level":13}]"""  });

        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32().Should().Be(42);
        pair.CarriedB.Taken.Should().Be(0);

        (await pair.A.IngestStatesAsync(new { tracker_id = tracker, battery_level = 43 })).ShouldSucceed();
        (await socket.NextEventAsync("state")).GetProperty("data").GetProperty("battery_level").GetInt32().Should().Be(43);
        await Eventually.Until(() => Task.FromResult(pair.CarriedB.Taken == 1), TimeSpan.FromSeconds(5), "the next carried change to be taken");
    }

    private sealed class Pair : IAsyncDisposable
    {
        private readonly List<(NpgsqlConnection Connection, Task Loop)> _listeners = [];
        private readonly CancellationTokenSource _stop = new();

        public required TestDatabase Database { get; init; }
        public required RunningServer A { get; init; }
        public required RunningServer B { get; init; }
        public required string Hash { get; init; }
        public required long[] Trackers { get; init; }

        public ChangeDispatcher DispatcherB => B.Service<ChangeDispatcher>();
        public CarriedChanges CarriedA => A.Service<CarriedChanges>();
        public CarriedChanges CarriedB => B.Service<CarriedChanges>();

        public static async Task<Pair> StartAsync(Engine engine, int trackers)
        {
            var database = await TestDatabase.CreateAsync(engine);
            var a = await RunningServer.StartOnAsync(database, NoSafetyPoll);
            var b = await RunningServer.StartOnAsync(database, NoSafetyPoll);
            await a.CreateUserAsync("cluster");
            var ids = new long[trackers];
            for (var i = 0; i < trackers; i++)
            {
                ids[i] = (await a.CreateTrackerAsync("cluster", $"T{i}")).Id;
            }

            return new Pair { Database = database, A = a, B = b, Hash = await a.LoginAsync("cluster"), Trackers = ids };
        }

        /// <summary>A socket on node B watching every tracker, its snapshot read, and node B caught up with the set-up.</summary>
        public async Task<AtmosphereSocket> SubscribeOnBAsync()
        {
            var socket = await AtmosphereSocket.ConnectAsync(B);
            await socket.ReadHandshakeAsync();
            await socket.SubscribeAsync(Hash, new { type = "state", trackers = Trackers });
            for (var i = 0; i < Trackers.Length; i++)
            {
                await socket.NextEventAsync("state");
            }

            var setUp = await A.CurrentVersionAsync();
            await Eventually.Until(() => Task.FromResult(DispatcherB.Watermark >= setUp), TimeSpan.FromSeconds(10), "node B to dispatch the set-up");
            return socket;
        }

        /// <summary>Every payload on the channel from now on, as a third listener sees them.</summary>
        public async Task<ConcurrentQueue<string>> ListenAsync()
        {
            var payloads = new ConcurrentQueue<string>();
            var listener = (NpgsqlConnection)await Database.OpenAsync();
            listener.Notification += (_, e) => payloads.Enqueue(e.Payload);
            await listener.ExecuteAsync("LISTEN trackerevents_changes");
            _listeners.Add((listener, Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        await listener.WaitAsync(_stop.Token);
                    }
                }
                catch (OperationCanceledException)
                {
                    // disposed with the pair
                }
            })));
            return payloads;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            foreach (var (connection, loop) in _listeners)
            {
                await loop;
                await connection.DisposeAsync();
            }

            _stop.Dispose();

            await A.DisposeAsync();
            await B.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}

using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>
/// Device ids that reported without a tracker, for the operator: counted in memory as they come and
/// written in one transaction by <see cref="FlushAsync"/> (called periodically and before every listing),
/// so that a stream of requests from unknown devices costs no write each. Several nodes add up their
/// counts in the same table. Entries not seen for <see cref="KeepFor"/> are removed.
/// </summary>
internal sealed class UnknownDeviceStore(Database database, TimeProvider time)
{
    /// <summary>Distinct ids held between two flushes; further new ids are dropped until the next flush.</summary>
    public const int MaxPending = 10_000;

    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(7);

    private readonly Lock _gate = new();
    private Dictionary<string, Sighting> _pending = new(StringComparer.Ordinal);

    /// <summary>Counts one request from <paramref name="deviceId"/>, which has no tracker.</summary>
    public void Record(string deviceId, string address)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_gate)
        {
            if (_pending.TryGetValue(deviceId, out var seen))
            {
                _pending[deviceId] = seen with { LastSeen = now, Requests = seen.Requests + 1, LastAddress = address };
            }
            else if (_pending.Count < MaxPending)
            {
                _pending[deviceId] = new Sighting(now, now, 1, address);
            }
        }
    }

    /// <summary>Writes the counts gathered since the last flush; if that fails they are kept for the next one.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, Sighting> batch;
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return;
            }

            batch = _pending;
            _pending = new Dictionary<string, Sighting>(StringComparer.Ordinal);
        }

        try
        {
            await database.WriteAsync(async (connection, transaction) =>
            {
                await connection.ExecuteAsync(Command("""
                    INSERT INTO unknown_devices (device_id, first_seen, last_seen, requests, last_address)
                    VALUES (@DeviceId, @FirstSeen, @LastSeen, @Requests, @LastAddress)
                    ON CONFLICT (device_id) DO UPDATE SET last_seen = excluded.last_seen,
                        requests = unknown_devices.requests + excluded.requests, last_address = excluded.last_address
                    """, batch.Select(p => new { DeviceId = p.Key, p.Value.FirstSeen, p.Value.LastSeen, p.Value.Requests, p.Value.LastAddress }),
                    cancellationToken, transaction));
                await connection.ExecuteAsync(Command("DELETE FROM unknown_devices WHERE last_seen < @Before",
                    new { Before = time.GetUtcNow().Subtract(KeepFor).ToUnixTimeMilliseconds() }, cancellationToken, transaction));
            }, cancellationToken);
        }
        catch
        {
            lock (_gate)
            {
                foreach (var (id, seen) in batch)
                {
                    _pending[id] = _pending.TryGetValue(id, out var later)
                        ? later with { FirstSeen = seen.FirstSeen, Requests = seen.Requests + later.Requests }
                        : seen;
                }
            }

            throw;
        }
    }

    /// <summary>The unknown ids that still have no tracker, most recently seen first (this node's latest counts included).</summary>
    public async Task<IReadOnlyList<UnknownDevice>> ListAsync(int limit, CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        var rows = await database.ReadAsync(connection => connection.QueryAsync<UnknownDevice>(Command("""
            SELECT u.device_id AS DeviceId, u.first_seen AS FirstSeen, u.last_seen AS LastSeen, u.requests AS Requests,
                   u.last_address AS LastAddress
              FROM unknown_devices u
             WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.device_id = u.device_id)
             ORDER BY u.last_seen DESC, u.device_id
             LIMIT @Limit
            """, new { Limit = limit }, cancellationToken)), cancellationToken);
        return rows.AsList();
    }

    private sealed record Sighting(long FirstSeen, long LastSeen, long Requests, string LastAddress);
}

/// <summary>An <c>unknown_devices</c> row: times in Unix milliseconds.</summary>
internal sealed class UnknownDevice
{
    public string DeviceId { get; set; } = "";
    public long FirstSeen { get; set; }
    public long LastSeen { get; set; }
    public long Requests { get; set; }
    public string LastAddress { get; set; } = "";
}

using Dapper;
using TrackerEvents.Tracking;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>Trackers' readings items (sensors, counters…): reads and the merge of ingested updates.</summary>
internal sealed class ReadingStore(Database database, TrackerStore trackers, TimeProvider time)
{
    /// <summary>
    /// The readings of the given trackers, each list empty for a tracker without readings or not <paramref name="userId"/>'s.
    /// Callers check ownership first; the read checks it again, as it reads: a tracker that another program moves to
    /// another user between the two (plain SQL) has none of its readings read for the former owner.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<ReadingItem>>> GetReadingsAsync(IReadOnlyCollection<long> trackerIds, long userId,
        CancellationToken cancellationToken)
    {
        var result = trackerIds.Distinct().ToDictionary(id => id, _ => new List<ReadingItem>());
        if (result.Count == 0)
        {
            return result.ToDictionary(p => p.Key, p => (IReadOnlyList<ReadingItem>)p.Value);
        }

        var rows = await database.ReadAsync(connection => connection.QueryAsync<ReadingRow>(Command(database.Statements.SelectReadings,
            new { TrackerIds = database.Dialect.IdList(result.Keys.ToArray()), UserId = userId }, cancellationToken)), cancellationToken);
        foreach (var row in rows)
        {
            if (ToItem(row) is { } item)
            {
                result[row.TrackerId].Add(item);
            }
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlyList<ReadingItem>)p.Value);
    }

    /// <summary>Merges readings updates item by item, all or nothing, like <see cref="StateStore.IngestStatesAsync"/>.</summary>
    public Task<int> IngestReadingsAsync(IReadOnlyList<ReadingsUpdate> updates, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            var ids = await trackers.LockLiveTrackersAsync(connection, transaction, [.. updates.Select(u => u.TrackerId)], cancellationToken);
            var items = new Dictionary<(long, ReadingKind, string), ReadingItem>();
            foreach (var row in await connection.QueryAsync<ReadingRow>(Command(database.Statements.SelectReadingsForUpdate,
                new { TrackerIds = database.Dialect.IdList(ids) }, cancellationToken, transaction)))
            {
                if (ToItem(row) is { } item)
                {
                    items[(row.TrackerId, item.Kind, item.Key)] = item;
                }
            }

            var now = time.GetUtcNow();
            var changed = new Dictionary<(long, ReadingKind, string), ReadingItem>();
            foreach (var update in updates)
            {
                foreach (var u in update.Items)
                {
                    var key = (update.TrackerId, u.Kind, u.Key);
                    var merged = items.GetValueOrDefault(key, ReadingItem.Empty(u.Kind, u.Key)).Merge(u.Fields, u.UpdateTime ?? now);
                    items[key] = merged;
                    changed[key] = merged;
                }
            }

            await connection.ExecuteAsync(Command("""
                INSERT INTO tracker_readings (tracker_id, kind, item_key, item) VALUES (@TrackerId, @Kind, @ItemKey, @Item)
                ON CONFLICT (tracker_id, kind, item_key) DO UPDATE SET item = excluded.item
                """, changed.Select(c => new
            {
                TrackerId = c.Key.Item1,
                Kind = ReadingItem.KindName(c.Key.Item2),
                ItemKey = c.Key.Item3,
                Item = c.Value.ToCanonicalJson(),
            }), cancellationToken, transaction));
            return updates.Count;
        }, cancellationToken);

    private static ReadingItem? ToItem(ReadingRow row) =>
        ReadingItem.ParseKind(row.Kind) is { } kind ? ReadingItem.FromCanonical(kind, row.ItemKey, row.Item) : null;
}

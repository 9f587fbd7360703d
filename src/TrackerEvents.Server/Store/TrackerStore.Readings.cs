using Dapper;
using TrackerEvents.Tracking;

namespace TrackerEvents.Store;

internal sealed partial class TrackerStore
{
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<ReadingItem>>> GetReadingsAsync(IReadOnlyCollection<long> trackerIds,
        CancellationToken cancellationToken)
    {
        var result = trackerIds.Distinct().ToDictionary(id => id, _ => new List<ReadingItem>());
        if (result.Count == 0)
        {
            return result.ToDictionary(p => p.Key, p => (IReadOnlyList<ReadingItem>)p.Value);
        }

        await using var connection = await OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ReadingRow>(Command(
            _statements.SelectReadings, new { TrackerIds = dialect.IdList(result.Keys.ToArray()) }, cancellationToken));
        foreach (var row in rows)
        {
            if (ToItem(row) is { } item)
            {
                result[row.TrackerId].Add(item);
            }
        }

        return result.ToDictionary(p => p.Key, p => (IReadOnlyList<ReadingItem>)p.Value);
    }

    /// <summary>Merges readings updates item by item, all or nothing, like <see cref="IngestStatesAsync"/>.</summary>
    public async Task<int> IngestReadingsAsync(IReadOnlyList<ReadingsUpdate> updates, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var write = await dialect.BeginWriteAsync(connection, cancellationToken);
        var transaction = write.Transaction;
        var ids = await LockLiveTrackersAsync(connection, transaction, updates.Select(u => u.TrackerId).ToList(), cancellationToken);

        var items = new Dictionary<(long, ReadingKind, string), ReadingItem>();
        foreach (var row in await connection.QueryAsync<ReadingRow>(Command(_statements.SelectReadingsForUpdate, new { TrackerIds = dialect.IdList(ids) }, cancellationToken, transaction)))
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
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return updates.Count;
    }

    private static ReadingItem? ToItem(ReadingRow row) =>
        ReadingItem.ParseKind(row.Kind) is { } kind ? ReadingItem.FromCanonical(kind, row.ItemKey, row.Item) : null;
}

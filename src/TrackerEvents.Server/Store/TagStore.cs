using Dapper;
using static TrackerEvents.Store.Database;

namespace TrackerEvents.Store;

/// <summary>A user's tags, and which of them are bound to which tracker.</summary>
internal sealed class TagStore(Database database, TimeProvider time)
{
    private const string SelectTag = "SELECT id AS Id, name AS Name, color AS Color, avatar_file_name AS AvatarFileName FROM tags";

    /// <summary>The user's tags, in id order.</summary>
    public Task<IReadOnlyList<TagRow>> ListTagsAsync(long userId, CancellationToken cancellationToken) =>
        database.ReadAsync<IReadOnlyList<TagRow>>(async connection => (await connection.QueryAsync<TagRow>(Command(
            SelectTag + " WHERE user_id = @UserId ORDER BY id", new { UserId = userId }, cancellationToken))).AsList(), cancellationToken);

    public Task<long> CreateTagAsync(long userId, string name, string color, string? avatarFileName, CancellationToken cancellationToken) =>
        database.WriteAsync((connection, transaction) => connection.ExecuteScalarAsync<long>(Command("""
            INSERT INTO tags (user_id, name, color, avatar_file_name, created_at) VALUES (@UserId, @Name, @Color, @AvatarFileName, @Now) RETURNING id
            """, new { UserId = userId, Name = name, Color = color, AvatarFileName = avatarFileName, Now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken, transaction)), cancellationToken);

    /// <summary>The tag bindings of the given trackers, by ordinal; a tracker without any is absent.</summary>
    public async Task<IReadOnlyDictionary<long, IReadOnlyList<TagBinding>>> GetBindingsAsync(IReadOnlyCollection<long> trackerIds,
        CancellationToken cancellationToken)
    {
        var bindings = new Dictionary<long, IReadOnlyList<TagBinding>>();
        if (trackerIds.Count == 0)
        {
            return bindings;
        }

        var rows = await database.ReadAsync(connection => connection.QueryAsync<BindingRow>(Command(database.Statements.SelectTagBindings,
            new { TrackerIds = database.Dialect.IdList(trackerIds.Distinct().ToArray()) }, cancellationToken)), cancellationToken);
        foreach (var group in rows.GroupBy(r => r.TrackerId))
        {
            bindings[group.Key] = [.. group.Select(r => new TagBinding(r.TagId, r.Ordinal))];
        }

        return bindings;
    }

    /// <summary>Replaces a tracker's bindings with <paramref name="bindings"/> (the caller checked that the tags are the owner's).</summary>
    public Task SetBindingsAsync(long trackerId, IReadOnlyList<TagBinding> bindings, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(Command("DELETE FROM tracker_tags WHERE tracker_id = @TrackerId", new { TrackerId = trackerId },
                cancellationToken, transaction));
            await connection.ExecuteAsync(Command("INSERT INTO tracker_tags (tracker_id, tag_id, ordinal) VALUES (@TrackerId, @TagId, @Ordinal)",
                bindings.Select(b => new { TrackerId = trackerId, b.TagId, b.Ordinal }), cancellationToken, transaction));
        }, cancellationToken);

    private sealed class BindingRow
    {
        public long TrackerId { get; set; }
        public long TagId { get; set; }
        public long Ordinal { get; set; }
    }
}

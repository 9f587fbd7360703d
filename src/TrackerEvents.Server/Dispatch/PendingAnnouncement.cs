namespace TrackerEvents.Dispatch;

/// <summary>
/// A version the database announced beyond the dispatcher's watermark, kept while a write of this process is under
/// way: the write's answer and the database's announcement of its versions reach the node together, on two
/// connections, and when the announcement comes first the write's hand-over follows it by moments. Kept for at most
/// a given wait from the first pass that kept it, after which the feed is read for it. The dispatcher's own: not
/// thread-safe.
/// </summary>
internal sealed class PendingAnnouncement(TimeProvider time)
{
    private long _version;
    private long _announcedAt;
    private long _since;

    /// <summary>Whether a version is kept for the next pass.</summary>
    public bool Waiting => _version != 0;

    /// <summary>
    /// The version to decide on in this pass: the higher of the one just taken (<paramref name="version"/>, 0: none)
    /// and the one kept; <paramref name="announcedAt"/> becomes the earlier of the two announcements.
    /// </summary>
    public long Take(long version, ref long announcedAt)
    {
        if (_version == 0)
        {
            _since = 0; // nothing was kept: a wait from now on is a new one
            return version;
        }

        announcedAt = announcedAt == 0 ? _announcedAt : Math.Min(announcedAt, _announcedAt);
        var taken = Math.Max(version, _version);
        (_version, _announcedAt) = (0, 0);
        return taken;
    }

    /// <summary>
    /// Keeps the version for the next pass while a write is under way (<paramref name="writing"/>) and the wait that
    /// began with the first pass that kept it is shorter than <paramref name="wait"/>. False: read the feed for it now.
    /// </summary>
    public bool Keep(long version, long announcedAt, bool writing, TimeSpan wait)
    {
        _since = _since == 0 ? time.GetTimestamp() : _since;
        if (!writing || time.GetElapsedTime(_since) >= wait)
        {
            return false;
        }

        (_version, _announcedAt) = (version, announcedAt);
        return true;
    }
}

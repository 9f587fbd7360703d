using TrackerEvents.Tracking;

namespace TrackerEvents.Subscriptions;

/// <summary>
/// How one request of a subscribe wants its trackers delivered: the session whose hash made it (when that
/// session ends, the watches end) and its user, the state format, the dates, the pace of a batch stream, the readings filter.
/// </summary>
internal sealed record WatchRequest(long SessionId, long UserId, StateFormat Format, DateStyle Dates, TimeSpan RateLimit, ReadingsFilter Filter);

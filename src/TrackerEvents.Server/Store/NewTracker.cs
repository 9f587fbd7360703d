namespace TrackerEvents.Store;

/// <summary>A tracker to create through the admin API.</summary>
internal sealed record NewTracker(
    long UserId,
    string Label,
    string DeviceId,
    string Model,
    long GroupId,
    string? Phone,
    string? TariffEndDate);

using System.Text.Json.Serialization;

namespace TrackerEvents.Client;

/// <summary>A tracker of <c>tracker/list</c>.</summary>
public sealed record Tracker
{
    /// <summary>The tracker id.</summary>
    public long Id { get; init; }

    /// <summary>Its label.</summary>
    public string Label { get; init; } = "";

    /// <summary>Whether it is a clone (<c>clone</c>).</summary>
    [JsonPropertyName("clone")]
    public bool IsClone { get; init; }

    /// <summary>Its group (0: none).</summary>
    public long GroupId { get; init; }

    /// <summary>Its data source: <see cref="TrackerSource.Id"/> is the <c>source_id</c> of state events.</summary>
    public TrackerSource Source { get; init; } = new();
}

/// <summary>A tracker's data source (the device).</summary>
public sealed record TrackerSource
{
    /// <summary>The source id, as state events name the tracker.</summary>
    public long Id { get; init; }

    /// <summary>The device id (IMEI).</summary>
    public string? DeviceId { get; init; }

    /// <summary>The device model.</summary>
    public string? Model { get; init; }

    /// <summary>Blocked (tariff ended).</summary>
    public bool Blocked { get; init; }

    /// <summary>The device's phone number.</summary>
    public string? Phone { get; init; }
}

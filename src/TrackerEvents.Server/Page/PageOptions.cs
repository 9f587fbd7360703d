using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Page;

/// <summary>Section <c>Page</c>: the monitoring page served at <c>/</c>.</summary>
public sealed class PageOptions
{
    /// <summary>Serve the page at <c>/</c>. Default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A map tile server, as a URL template with <c>{z}</c>, <c>{x}</c> and <c>{y}</c>, e.g.
    /// <c>https://tile.openstreetmap.org/{z}/{x}/{y}.png</c>. Default none: the map draws the vendored country
    /// outlines, and the page makes no request to any other origin.
    /// </summary>
    public string? TileUrl { get; set; }

    /// <summary>The credit the tile server asks for, shown on the map when <see cref="TileUrl"/> is set.</summary>
    public string? TileAttribution { get; set; }

    /// <summary>The tile server's highest zoom level. Default 19.</summary>
    [Range(1, 22)]
    public int TileMaxZoom { get; set; } = 19;
}

using System.ComponentModel.DataAnnotations;

namespace TrackerEvents.Admin;

/// <summary>Section <c>Admin</c>: the admin and ingest API.</summary>
public sealed class AdminOptions
{
    /// <summary>
    /// Value of the <c>X-Api-Key</c> header. Required with PostgreSQL; with the embedded store a key is
    /// generated on first run, kept in the database and printed at start.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Addresses of a listener of its own for the admin and ingest API and <c>/metrics</c> (e.g.
    /// <c>http://127.0.0.1:8081</c>), <c>;</c>-separated. Set, these answer only there (404 on the public port);
    /// unset (default), they share the public port.
    /// </summary>
    public string? Urls { get; set; }

    /// <summary>Largest ingest request body, in bytes. Default 16 MiB.</summary>
    [Range(1024, 512 * 1024 * 1024)]
    public int MaxIngestBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most items in one ingest batch. Default 10,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxBatchItems { get; set; } = 10_000;
}

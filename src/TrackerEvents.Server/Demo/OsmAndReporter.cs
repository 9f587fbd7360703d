using System.Globalization;

namespace TrackerEvents.Demo;

/// <summary>
/// Sends a demo vehicle's point to the device listener as the OsmAnd app does: one GET with the
/// position in the query string, over a kept-alive connection. The point takes the same path as a
/// phone's: decoded, mapped onto the state, stored by group commit, pushed to subscribers.
/// </summary>
internal sealed class OsmAndReporter(Uri listener, double kmhPerSpeedUnit) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1) })
    {
        BaseAddress = listener,
        Timeout = TimeSpan.FromSeconds(10),
    };

    /// <summary>Reports one point; returns null when it was stored, otherwise what the listener answered.</summary>
    public async Task<string?> ReportAsync(string deviceId, VehicleStep step, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var query = string.Create(CultureInfo.InvariantCulture,
            $"/?id={Uri.EscapeDataString(deviceId)}&timestamp={time.ToUnixTimeSeconds()}&lat={step.Lat:0.######}&lon={step.Lng:0.######}"
            + $"&speed={step.Speed / kmhPerSpeedUnit:0.##}&bearing={step.Heading}&altitude=2&accuracy=5&batt=95"
            + $"&ignition={(step.Parked ? "false" : "true")}&moving={(step.Parked ? 0 : 1)}");
        using var response = await _http.GetAsync(query, cancellationToken);
        return response.IsSuccessStatusCode
            ? null
            : $"{(int)response.StatusCode} {(await response.Content.ReadAsStringAsync(cancellationToken)).Trim()}";
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>Where a demo vehicle is after one move: position, heading, speed (km/h), parked or not.</summary>
internal sealed record VehicleStep(double Lat, double Lng, int Heading, int Speed, bool Parked);

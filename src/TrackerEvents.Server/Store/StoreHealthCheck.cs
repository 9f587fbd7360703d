using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TrackerEvents.Store;

/// <summary>Ready when the database answers within the check's time.</summary>
internal sealed class StoreHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            await database.PingAsync(timeout.Token);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || timeout.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("store unreachable: " + e.Message);
        }
    }
}

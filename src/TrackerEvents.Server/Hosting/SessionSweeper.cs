using Microsoft.Extensions.Options;
using TrackerEvents.Store;

namespace TrackerEvents.Hosting;

/// <summary>Periodically ends expired sessions (their connections then get <c>logout</c>) and forgets old ended ones.</summary>
internal sealed partial class SessionSweeper(SessionStore store, IOptions<UserSessionOptions> options, TimeProvider time, ILogger<SessionSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var forgetBefore = time.GetUtcNow().Subtract(options.Value.RetainEndedFor).ToUnixTimeMilliseconds();
                var ended = await store.ExpireSessionsAndPruneAsync(forgetBefore, stoppingToken);
                if (ended > 0)
                {
                    LogExpired(logger, ended);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Ended {Count} expired sessions")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Session sweep failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}

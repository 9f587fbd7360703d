using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;
using TrackerEvents.Store;

namespace TrackerEvents.Auth;

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
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = LogEvents.SessionsExpired, Level = LogLevel.Information, Message = "Ended {Count} expired sessions")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(EventId = LogEvents.SessionSweepFailed, Level = LogLevel.Warning, Message = "Session sweep failed; the next sweep tries again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

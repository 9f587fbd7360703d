using Microsoft.Extensions.Logging;

namespace TrackerEvents.Client;

/// <summary>The client's log lines, with their event ids. A tracking id is a bearer secret: only its first characters are logged.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Connected over {Transport} as client {TrackingId}…")]
    public static partial void Connected(ILogger logger, string transport, string trackingId);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Reconnected over {Transport} as client {TrackingId}…")]
    public static partial void Reconnected(ILogger logger, string transport, string trackingId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Connection over {Transport} lost; reconnecting in {Delay} (attempt {Attempt})")]
    public static partial void Disconnected(ILogger logger, string transport, TimeSpan delay, int attempt, Exception? reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The WebSocket was refused (HTTP {Status}); falling back to long-polling")]
    public static partial void FellBack(ILogger logger, int status);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Subscribed again after a reconnect ({Requests} requests)")]
    public static partial void Resubscribed(ILogger logger, int requests);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Subscribing again after a reconnect failed")]
    public static partial void ResubscribeFailed(ILogger logger, Exception error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "The session ended; logging in again as {Login}")]
    public static partial void LoggingInAgain(ILogger logger, string login);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "The server sent a message that is not a Navixy message; skipped")]
    public static partial void Unreadable(ILogger logger, Exception error);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "The session ended and cannot be renewed; the subscription ends")]
    public static partial void SessionLost(ILogger logger, Exception error);

    [LoggerMessage(EventId = 10, Level = LogLevel.Debug, Message = "Close request failed")]
    public static partial void CloseFailed(ILogger logger, Exception error);
}

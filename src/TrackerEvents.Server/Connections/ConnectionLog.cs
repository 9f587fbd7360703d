using TrackerEvents.Diagnostics;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Connections;

/// <summary>The one line per connection open and close (with its reason), and a connection's failure, for every transport.</summary>
internal static partial class ConnectionLog
{
    public static void Opened(TransportServices services, AtmosphereClient client, string transport, HttpContext http, string connectKind,
        bool trackMessageSize)
    {
        var logger = services.Logger;
        if (logger.IsEnabled(LogLevel.Information))
        {
            var remote = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            LogOpened(logger, client.Number, client.Tag, transport, remote, connectKind, trackMessageSize);
        }
    }

    /// <summary>Counts the reason and writes the close line; <paramref name="retained"/>: the client waits for its reconnect.</summary>
    public static void Closed(TransportServices services, AtmosphereClient client, string transport, Disconnect reason, bool retained, long openedAt,
        long messagesSent)
    {
        services.Metrics.CountDisconnect(reason);
        var logger = services.Logger;
        if (logger.IsEnabled(LogLevel.Information))
        {
            var text = retained ? reason.Text + ", client retained for its reconnect" : reason.Text;
            var seconds = services.Time.GetElapsedTime(openedAt).TotalSeconds;
            LogClosed(logger, client.Number, client.Tag, transport, text, seconds, messagesSent);
        }
    }

    public static void Failed(TransportServices services, AtmosphereClient client, Exception exception) =>
        LogFailed(services.Logger, client.Number, client.Tag, exception);

    [LoggerMessage(EventId = LogEvents.ConnectionOpened, Level = LogLevel.Information,
        Message = "Connection {ClientNumber} opened: tracking tag {TrackingTag}, {Transport} from {Remote}, {ConnectKind}, track message size {TrackMessageSize}")]
    private static partial void LogOpened(ILogger logger, long clientNumber, string trackingTag, string transport, string remote, string connectKind,
        bool trackMessageSize);

    [LoggerMessage(EventId = LogEvents.ConnectionClosed, Level = LogLevel.Information,
        Message = "Connection {ClientNumber} closed: tracking tag {TrackingTag}, {Transport}, {Reason}, after {DurationSeconds:0.0} s and {MessagesSent} messages")]
    private static partial void LogClosed(ILogger logger, long clientNumber, string trackingTag, string transport, string reason, double durationSeconds,
        long messagesSent);

    [LoggerMessage(EventId = LogEvents.ConnectionFailed, Level = LogLevel.Error, Message = "Connection {ClientNumber} (tracking tag {TrackingTag}) failed")]
    private static partial void LogFailed(ILogger logger, long clientNumber, string trackingTag, Exception exception);
}

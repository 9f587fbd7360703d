namespace TrackerEvents.Diagnostics;

/// <summary>
/// Every log event id of the server, in one place (a test checks that they are unique and that no log
/// message takes its id from anywhere else). The id is the <c>event_id</c> field of the JSON log lines, so
/// operators can alert on one kind of line. 1xxx: start-up and background work; 2xxx: the HTTP API and the device listener;
/// 3xxx: the event endpoint, its clients and the change feed.
/// </summary>
internal static class LogEvents
{
    public const int MigrationApplied = 1001;
    public const int DemoSeeded = 1101;
    public const int SimulatorStarted = 1102;
    public const int SimulatorTickFailed = 1103;
    public const int SimulatorPointRefused = 1104;
    public const int SessionsExpired = 1201;
    public const int SessionSweepFailed = 1202;
    public const int Listening = 1301;
    public const int DemoLogin = 1302;
    public const int AdminKeyGenerated = 1303;
    public const int PageServed = 1304;
    public const int DevicesListening = 1305;
    public const int GarbageCollector = 1306;
    public const int ChangeListenerLost = 1401;
    public const int ChangeListenerReconnected = 1402;
    public const int CheckpointFailed = 1501;
    public const int ChangeLogPruneFailed = 1502;
    public const int StatusSweepFailed = 1601;
    public const int StatusSweepMarked = 1602;

    public const int ApiDatabaseUnavailable = 2001;
    public const int ApiDatabaseError = 2002;
    public const int ApiUnexpected = 2003;
    public const int DeviceUnknown = 2101;
    public const int DeviceStoreFailed = 2102;
    public const int DeviceUnexpected = 2103;

    public const int FeedReadFailed = 3001;
    public const int FeedRecovered = 3002;
    public const int ActionFailed = 3101;
    public const int ActionRejected = 3102;
    public const int ClientReleased = 3201;
    public const int ConnectionOpened = 3301;
    public const int ConnectionClosed = 3302;
    public const int ConnectionFailed = 3303;
    public const int ConnectionRefused = 3304;
    public const int ConnectionRefusedAddress = 3305;
    public const int TimerFailed = 3901;
}

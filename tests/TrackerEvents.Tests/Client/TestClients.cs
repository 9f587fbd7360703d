using TrackerEvents.Client;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>Clients of <see cref="TrackerEventsClient"/> pointed at a test server, with waits short enough for a test.</summary>
internal static class TestClients
{
    public const string Password = "secret-password";

    public static TrackerEventsClientOptions Options(Uri server, Credentials credentials) => new()
    {
        ApiUrl = new Uri(server, "/v2/"),
        Credentials = credentials,
        Reconnect = new ReconnectPolicy { InitialDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(500) },
        ActionTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>A client of the fleet's user, logging in with its password.</summary>
    public static TrackerEventsClient For(Fleet fleet) => new(Options(fleet.Server.BaseAddress, Credentials.Password("fleet", Password)));

    /// <summary>A client that holds only a hash.</summary>
    public static TrackerEventsClient WithHash(Fleet fleet, string hash) => new(Options(fleet.Server.BaseAddress, Credentials.Hash(hash)));

    public static double? Speed(this TrackerState state) => state.Gps?.Speed;
}

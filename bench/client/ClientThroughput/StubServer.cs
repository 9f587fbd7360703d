using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TrackerEvents.ClientBench;

/// <summary>
/// The event socket as Navixy serves it, reduced to what the benchmark needs: the handshake, an answer to the
/// subscribe, then the same kind of message over and over (1,000 trackers' states, rendered once).
/// </summary>
internal static class StubServer
{
    public const string Hash = "0123456789abcdef0123456789abcdef";

    private const string State =
        """{"source_id":SOURCE,"gps":{"updated":"2026-11-23T19:03:54+01:00","signal_level":100,"location":{"lat":52.342467,"lng":4.845712},"heading":168,"speed":42,"alt":2},"connection_status":"active","movement_status":"moving","movement_status_update":"2026-11-23T19:03:54+01:00","ignition":true,"ignition_update":"2026-11-23T19:03:50+01:00","gsm":{"updated":"2026-11-23T19:03:50+01:00","signal_level":80,"network_name":"KPN","roaming":false},"last_update":"2026-11-23T19:03:54+01:00","battery_level":95,"battery_update":"2026-11-23T19:03:50+01:00","inputs":[false,false],"inputs_update":"2026-11-23T19:03:50+01:00","outputs":[false],"outputs_update":"2026-11-23T19:03:50+01:00","additional":{"moving":{"value":"1","updated":"2026-11-23T19:03:54+01:00"}},"actual_track_update":"2026-11-23T19:03:54+01:00"}""";

    public static async Task RunAsync(string kind)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Urls.Add("http://127.0.0.1:0");
        app.UseWebSockets();
        var frames = Frames(kind);
        app.Map("/v2/event/subscription", async http =>
        {
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync(Encoding.UTF8.GetBytes(Guid.NewGuid() + "|30000|X|"), WebSocketMessageType.Text, true, http.RequestAborted);
            var buffer = new byte[64 * 1024];
            await socket.ReceiveAsync(buffer, http.RequestAborted);
            await socket.SendAsync(Encoding.UTF8.GetBytes(
                """{"type":"response","action":"subscription/subscribe","events":["state_batch"],"data":{"state_batch":{"success":true,"value":{}}}}"""),
                WebSocketMessageType.Text, true, http.RequestAborted);
            try
            {
                for (var i = 0; !http.RequestAborted.IsCancellationRequested; i++)
                {
                    await socket.SendAsync(frames[i % frames.Length], WebSocketMessageType.Text, true, http.RequestAborted);
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // the benchmark has what it needs
            }
        });
        await app.StartAsync();
        Console.WriteLine(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await app.WaitForShutdownAsync();
    }

    /// <summary>1,000 <c>state</c> events (one tracker each), or 10 <c>state_batch</c> events of 100 trackers each.</summary>
    private static byte[][] Frames(string kind) => kind == "state"
        ? [.. Enumerable.Range(1, 1000).Select(source =>
            Encoding.UTF8.GetBytes("""{"type":"event","event":"state","user_time":"2026-11-23T19:03:54+01:00","data":""" + StateOf(source) + "}"))]
        : [.. Enumerable.Range(0, 10).Select(batch => Encoding.UTF8.GetBytes(
            """{"type":"event","event":"state_batch","user_time":"2026-11-23T19:03:54+01:00","data":["""
            + string.Join(",", Enumerable.Range(batch * 100 + 1, 100).Select(s => """{"type":"source_state_event","state":""" + StateOf(s) + "}"))
            + "]}"))];

    private static string StateOf(int source) => State.Replace("SOURCE", (200_000 + source).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}

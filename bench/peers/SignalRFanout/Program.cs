// Peer (b) (bench/README.md): what a .NET team would pick instead — an ASP.NET Core SignalR hub doing the
// same fan-out. Clients connect straight over WebSocket (no negotiate), speak the JSON hub protocol, and
// join one group per topic named in the query; POST /publish sends each frame (as a JSON argument) to a
// group or to all through IHubContext, which serialises a message once per protocol.
using System.Text.Json;
using Bench.Peers;
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxConcurrentUpgradedConnections = 18_000);
builder.Services.AddSignalR();
var app = builder.Build();
app.MapHub<FanoutHub>("/hub");

app.MapPost("/publish", async (HttpContext http, IHubContext<FanoutHub> hub) =>
{
    var lines = await PublishBody.ReadAsync(http.Request);
    var sends = new List<Task>(lines.Count);
    foreach (var (topic, frame) in lines)
    {
        using var document = JsonDocument.Parse(frame);
        var payload = document.RootElement.Clone();
        sends.Add(topic == "*" ? hub.Clients.All.SendAsync("event", payload) : hub.Clients.Group(topic).SendAsync("event", payload));
    }

    await Task.WhenAll(sends);
    await http.Response.WriteAsync("{\"sent\":" + lines.Count + "}");
});

app.MapGet("/health/live", () => "ok");
app.Run();

internal sealed class FanoutHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        if (Context.GetHttpContext() is { } http)
        {
            foreach (var topic in PublishBody.Topics(http.Request))
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, topic);
            }
        }

        await base.OnConnectedAsync();
    }
}

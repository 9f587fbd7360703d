using System.Net;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using TrackerEvents.Devices;

namespace TrackerEvents.Hosting;

/// <summary>
/// The addresses the server listens on, by name: <c>main</c> (the <c>Urls</c> setting: the API, the event
/// endpoint, health), and optional extra ones such as <c>admin</c> (<c>Admin:Urls</c>). Every connection is
/// tagged with the name of the listener it came in on, and an endpoint answers only on its own listener
/// (<see cref="ListenerExtensions.OnListener"/>): the admin API is not reachable on the public port, whatever
/// Host header a request carries. A name with no addresses of its own is served by <c>main</c>.
/// </summary>
internal sealed class Listeners
{
    public const string Main = "main";
    public const string Admin = "admin";
    public const string Devices = "devices";
    private const string ItemKey = "TrackerEvents.Listener";
    private readonly Dictionary<string, List<ListenOptions>> _bound = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IPEndPoint? Endpoint, int Port)[]> _endpoints = new(StringComparer.Ordinal);

    /// <param name="listeners">
    /// Each listener by name: the setting it comes from (named in errors) and its URLs, <c>;</c>-separated
    /// (<c>http://host:port</c>; port 0: any free port). A bad URL is an <see cref="OptionsValidationException"/>
    /// naming the setting, here, before anything listens.
    /// </param>
    public Listeners(IEnumerable<(string Name, string Setting, string? Urls)> listeners)
    {
        foreach (var (name, setting, list) in listeners)
        {
            if (!string.IsNullOrWhiteSpace(list))
            {
                _bound[name] = [];
                _endpoints[name] = [.. list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(url => ResolveSetting(setting, url))];
            }
        }
    }

    /// <summary>
    /// The listeners the configuration asks for: <c>Urls</c> (default <c>http://localhost:5000</c>), <c>Admin:Urls</c>,
    /// and the device listener's <c>Devices:Urls</c> (default <c>http://0.0.0.0:5055</c>) unless <c>Devices:Enabled</c> is false.
    /// </summary>
    public static Listeners From(IConfiguration configuration) => new(
    [
        (Main, WebHostDefaults.ServerUrlsKey, configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls ? urls : "http://localhost:5000"),
        (Admin, "Admin:Urls", configuration["Admin:Urls"]),
        (Devices, "Devices:Urls", DevicesExtensions.ListenerUrls(configuration)),
    ]);


    /// <summary>The listener that serves <paramref name="name"/>: itself when it has addresses, otherwise <c>main</c>.</summary>
    public string Serving(string name) => _bound.ContainsKey(name) ? name : Main;

    /// <summary>The addresses a listener is bound to (after start: port 0 replaced by the port it got).</summary>
    public IReadOnlyList<string> Addresses(string name) =>
        _bound.TryGetValue(name, out var endpoints) ? [.. endpoints.Select(e => e.IPEndPoint is { } ip ? $"http://{Format(ip)}" : e.ToString() ?? "")] : [];

    /// <summary>The name of the listener a request came in on.</summary>
    public static string Of(HttpContext http) =>
        http.Features.Get<IConnectionItemsFeature>()?.Items.TryGetValue(ItemKey, out var name) == true && name is string text ? text : Main;

    /// <summary>Binds every listener in Kestrel, each connection tagged with its listener's name.</summary>
    public void Configure(KestrelServerOptions kestrel)
    {
        foreach (var (name, endpoints) in _endpoints)
        {
            foreach (var (endpoint, port) in endpoints)
            {
                void Tag(ListenOptions options)
                {
                    _bound[name].Add(options);
                    options.Use(next => connection =>
                    {
                        connection.Items[ItemKey] = name;
                        return next(connection);
                    });
                    if (name == Devices)
                    {
                        options.UseDevices(); // its own HTTP/1.1 reader, in place of Kestrel's HTTP server
                    }
                }

                if (endpoint is null)
                {
                    kestrel.ListenLocalhost(port, Tag);
                }
                else
                {
                    kestrel.Listen(endpoint, Tag);
                }
            }
        }
    }

    /// <summary>A listener's URL resolved, or a validation error naming the setting it came from.</summary>
    private static (IPEndPoint? Endpoint, int Port) ResolveSetting(string setting, string url)
    {
        try
        {
            return Resolve(url);
        }
        catch (InvalidOperationException e)
        {
            throw new OptionsValidationException(setting, typeof(Listeners), [$"{setting}: {e.Message}"]);
        }
    }

    /// <summary>
    /// Where an <c>http://host:port</c> URL listens: <c>localhost</c> (null endpoint: both loopbacks, as Kestrel binds
    /// it), an IP address, or any address for <c>*</c>, <c>+</c> or <c>0.0.0.0</c>.
    /// </summary>
    internal static (IPEndPoint? Endpoint, int Port) Resolve(string url)
    {
        var normalized = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(normalized, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new InvalidOperationException($"'{url}' is not an http://host:port address (TLS belongs to the proxy in front).");
        }

        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return (null, uri.Port);
        }

        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip)
            ? (new IPEndPoint(ip, uri.Port), uri.Port)
            : throw new InvalidOperationException($"'{url}': listen on an IP address, localhost or * (not a host name).");
    }

    private static string Format(IPEndPoint endpoint) =>
        endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{endpoint.Address}]:{endpoint.Port}" : endpoint.ToString();
}

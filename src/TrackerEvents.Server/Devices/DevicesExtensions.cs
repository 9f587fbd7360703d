using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Options;

namespace TrackerEvents.Devices;

/// <summary>
/// The device listener as a feature: its settings, its own port(s) next to the main ones, the endpoint
/// that serves only the device protocols there, and the connection-status sweep.
/// </summary>
internal static partial class DevicesExtensions
{
    public static WebApplicationBuilder AddDevices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DevicesOptions>().BindConfiguration("Devices").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DevicesOptions>, DevicesOptionsValidation>();

        // Kestrel is told its addresses before the options are validated: the main URLs first, then the
        // device listener's (DeviceListener relies on that order).
        var devices = builder.Configuration.GetSection("Devices").Get<DevicesOptions>() ?? new DevicesOptions();
        var deviceUrls = devices.Enabled ? devices.UrlList : [];
        var mainUrls = MainUrls(builder);
        if (deviceUrls.Length > 0)
        {
            if (builder.Configuration.GetSection("Kestrel:Endpoints").GetChildren().Any())
            {
                throw new OptionsValidationException("Devices:Urls", typeof(DevicesOptions),
                    ["Devices:Urls cannot be added to endpoints configured in Kestrel:Endpoints; use Urls, or set Devices:Enabled=false."]);
            }

            builder.WebHost.UseUrls([.. mainUrls, .. deviceUrls]);
        }

        services.AddSingleton(sp => new DeviceListener(sp.GetRequiredService<IServer>(), mainUrls.Length, deviceUrls.Length));
        services.AddSingleton<DeviceLimits>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<DeviceMetrics>();
        services.AddSingleton<UnknownDeviceLog>();
        services.AddSingleton<DeviceEndpoint>();
        services.AddSingleton<ConnectionStatusSweep>();
        if (deviceUrls.Length > 0)
        {
            services.AddHostedService(sp => sp.GetRequiredService<ConnectionStatusSweep>());
        }

        return builder;
    }

    /// <summary>
    /// Sends every request that arrives on a device listener port to <see cref="DeviceEndpoint"/>, and
    /// nothing else there: the API, the event endpoint, health and metrics are not reachable on it, and
    /// the device protocols are not reachable on the main port. Goes before the other features' middleware.
    /// </summary>
    public static WebApplication MapDevices(this WebApplication app)
    {
        var listener = app.Services.GetRequiredService<DeviceListener>();
        if (listener.Enabled)
        {
            var endpoint = app.Services.GetRequiredService<DeviceEndpoint>();
            app.UseWhen(http => listener.IsDevicePort(http.Connection.LocalPort), devices => devices.Run(endpoint.HandleAsync));
        }

        return app;
    }

    /// <summary>The URLs Kestrel would listen on without the device listener (<c>urls</c>, else <c>http_ports</c>/<c>https_ports</c>, else its default).</summary>
    private static string[] MainUrls(WebApplicationBuilder builder)
    {
        static string[] Split(string? value) => value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        var urls = Split(builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey));
        if (urls.Length > 0)
        {
            return urls;
        }

        string[] ports =
        [
            .. Split(builder.WebHost.GetSetting(WebHostDefaults.HttpPortsKey)).Select(p => $"http://*:{p}"),
            .. Split(builder.WebHost.GetSetting(WebHostDefaults.HttpsPortsKey)).Select(p => $"https://*:{p}"),
        ];
        return ports.Length > 0 ? ports : ["http://localhost:5000"];
    }

    private sealed class DevicesOptionsValidation : IValidateOptions<DevicesOptions>
    {
        public ValidateOptionsResult Validate(string? name, DevicesOptions options)
        {
            if (options.IdleAfter >= options.OfflineAfter)
            {
                return ValidateOptionsResult.Fail("Devices:IdleAfter must be shorter than Devices:OfflineAfter.");
            }

            var urls = options.UrlList;
            return !options.Enabled || (urls.Length > 0 && urls.All(UrlPattern().IsMatch))
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Devices:Urls '{options.Urls}' must be URLs with a port, such as http://0.0.0.0:5055, separated by ';'.");
        }
    }

    [GeneratedRegex(@"^https?://[^/\s;]+:\d{1,5}/?\z")]
    private static partial Regex UrlPattern();
}

using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace TrackerEvents.Devices;

/// <summary>
/// The device listener as a feature: its settings, the connections that serve only the device protocols on
/// the listener's own port(s), and the connection-status sweep.
/// </summary>
internal static partial class DevicesExtensions
{
    /// <param name="boundAddresses">The device listener's addresses once bound (the host binds <see cref="DevicesOptions.Urls"/>).</param>
    public static IServiceCollection AddDevices(this IServiceCollection services, IConfiguration configuration,
        Func<IReadOnlyList<string>> boundAddresses)
    {
        services.AddOptions<DevicesOptions>().BindConfiguration("Devices").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DevicesOptions>, DevicesOptionsValidation>();
        services.AddSingleton(new DeviceListener(boundAddresses));
        services.AddSingleton<DeviceLimits>();
        services.AddSingleton<DeviceDirectory>();
        services.AddSingleton<DeviceMetrics>();
        services.AddSingleton<UnknownDeviceLog>();
        services.AddSingleton<DeviceEndpoint>();
        services.AddSingleton<DeviceConnectionHandler>();
        services.AddSingleton<ConnectionStatusSweep>();
        if (ListenerUrls(configuration) is not null)
        {
            services.AddHostedService(sp => sp.GetRequiredService<ConnectionStatusSweep>());
        }

        return services;
    }

    /// <summary>The URLs the device listener is to be bound to, <c>;</c>-separated; null when it is turned off.</summary>
    public static string? ListenerUrls(IConfiguration configuration)
    {
        var options = configuration.GetSection("Devices").Get<DevicesOptions>() ?? new DevicesOptions();
        return options.Enabled ? options.Urls : null;
    }

    /// <summary>
    /// Serves the device protocols on one of the device listener's addresses, and nothing else there: its
    /// connections go to <see cref="DeviceConnectionHandler"/> instead of Kestrel's HTTP server, so the API,
    /// the event endpoint, health and metrics are not reachable on it, and device requests nowhere else.
    /// </summary>
    public static ListenOptions UseDevices(this ListenOptions listener)
    {
        // resolved at the first connection: the handler reads Kestrel's options, which are still being made here
        DeviceConnectionHandler? handler = null;
        listener.Run(connection => (handler ??= listener.ApplicationServices.GetRequiredService<DeviceConnectionHandler>()).OnConnectedAsync(connection));
        return listener;
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

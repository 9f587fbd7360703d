using Microsoft.Extensions.Options;
using TrackerEvents.Store;

namespace TrackerEvents.Admin;

/// <summary>The admin and ingest API as a feature: its settings, its key, its calls.</summary>
internal static class AdminExtensions
{
    public static IServiceCollection AddAdmin(this IServiceCollection services)
    {
        services.AddOptions<AdminOptions>().BindConfiguration("Admin").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidation>();
        services.AddSingleton<AdminKey>();
        services.AddSingleton<AdminRunner>();
        return services;
    }

    /// <summary>Maps <c>/admin/*</c> (with the device calls) and <c>/ingest/*</c>, as one group (so that the host can say which listener serves them).</summary>
    public static RouteGroupBuilder MapAdmin(this WebApplication app)
    {
        var group = app.MapGroup("");
        group.MapAdminCalls();
        group.MapIngest();
        group.MapDeviceAdmin();
        return group;
    }

    private sealed class AdminOptionsValidation(IOptions<StoreOptions> store) : IValidateOptions<AdminOptions>
    {
        public ValidateOptionsResult Validate(string? name, AdminOptions options)
        {
            if (options.ApiKey is { Length: > 0 and < 16 })
            {
                return ValidateOptionsResult.Fail("Admin:ApiKey must be at least 16 characters long.");
            }

            return string.IsNullOrEmpty(options.ApiKey) && store.Value.Provider != "Sqlite"
                ? ValidateOptionsResult.Fail("Admin:ApiKey is required unless the embedded SQLite store is used.")
                : ValidateOptionsResult.Success;
        }
    }
}

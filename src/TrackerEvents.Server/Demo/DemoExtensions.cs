using Microsoft.Extensions.Options;

namespace TrackerEvents.Demo;

/// <summary>The demo account and its simulator as a feature (the embedded store only).</summary>
internal static class DemoExtensions
{
    public static IServiceCollection AddDemo(this IServiceCollection services)
    {
        services.AddOptions<DemoOptions>().BindConfiguration("Demo").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DemoOptions>, DemoOptionsValidation>();
        services.AddSingleton<DemoSeeder>();
        services.AddHostedService<Simulator>();
        return services;
    }

    private sealed class DemoOptionsValidation : IValidateOptions<DemoOptions>
    {
        public ValidateOptionsResult Validate(string? name, DemoOptions options) =>
            TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"Demo:TimeZone '{options.TimeZone}' is not a known time zone.");
    }
}

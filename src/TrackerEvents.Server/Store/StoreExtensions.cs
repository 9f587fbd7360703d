using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TrackerEvents.Diagnostics;

namespace TrackerEvents.Store;

/// <summary>Registers the store: its options, the engine's dialect, the stores and their background services.</summary>
internal static class StoreExtensions
{
    public static IServiceCollection AddStore(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StoreOptions>().BindConfiguration("Store").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IStoreDialect>(sp => CreateDialect(sp.GetRequiredService<IOptions<StoreOptions>>().Value, configuration, environment));
        services.TryAddSingleton<PhaseTimings>();
        services.AddSingleton<ChangeSignal>();
        services.AddSingleton<ChangeHandoff>();
        services.AddSingleton(_ => new CarriedChanges());
        services.AddSingleton<Database>();
        services.AddSingleton<ServerSettings>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<TrackerStore>();
        services.AddSingleton<WrittenStates>();
        services.AddSingleton<TrackerOwners>();
        services.AddSingleton<StateVersions>();
        services.AddSingleton<OneStatementWrite>();
        services.AddSingleton<StateChangeLog>();
        services.AddSingleton<StateStore>();
        services.AddSingleton<ReadingStore>();
        services.AddSingleton<TagStore>();
        services.AddSingleton<ConnectionStatusStore>();
        services.AddSingleton<UnknownDeviceStore>();
        services.AddSingleton<ChangeFeed>();
        services.AddSingleton<Migrator>();
        if (IsPostgres(configuration))
        {
            services.AddSingleton(sp => (PostgresDialect)sp.GetRequiredService<IStoreDialect>());
            services.AddSingleton<PostgresChangeListener>();
            services.AddHostedService(sp => sp.GetRequiredService<PostgresChangeListener>());
        }
        else
        {
            services.AddSingleton<SqliteCheckpointer>();
            services.AddHostedService(sp => sp.GetRequiredService<SqliteCheckpointer>());
            services.AddSingleton<SqliteChangeLogPruner>();
            services.AddHostedService(sp => sp.GetRequiredService<SqliteChangeLogPruner>());
        }

        services.AddHealthChecks().AddCheck<StoreHealthCheck>("store", tags: ["ready"]);
        return services;
    }

    // Read before the options are validated (services are being registered); an invalid provider fails
    // validation at start anyway.
    private static bool IsPostgres(IConfiguration configuration) =>
        string.Equals(configuration["Store:Provider"], "Postgres", StringComparison.Ordinal);

    private static IStoreDialect CreateDialect(StoreOptions options, IConfiguration configuration, IHostEnvironment environment)
    {
        var connectionString = configuration.GetConnectionString("Tracker");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new OptionsValidationException("ConnectionStrings:Tracker", typeof(StoreOptions),
                ["ConnectionStrings:Tracker is empty: set it to the database to use."]);
        }

        return options.Provider switch
        {
            "Sqlite" => new SqliteDialect(connectionString, environment.ContentRootPath, options.WalSizeLimit),
            "Postgres" => new PostgresDialect(connectionString),
            _ => throw new OptionsValidationException("Store:Provider", typeof(StoreOptions), [$"Store:Provider '{options.Provider}' is not supported."]),
        };
    }
}

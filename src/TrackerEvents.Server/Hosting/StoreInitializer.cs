using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using TrackerEvents.Admin;
using TrackerEvents.Demo;
using TrackerEvents.Store;

namespace TrackerEvents.Hosting;

/// <summary>Runs before the server accepts requests: migrations, the admin key, the demo seed.</summary>
internal sealed class StoreInitializer(
    Migrator migrator, ServerSettings settings, AdminKey adminKey, IOptions<AdminOptions> admin, DemoSeeder seeder)
{
    private const string AdminKeySetting = "admin_api_key";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await migrator.MigrateAsync(cancellationToken);
        if (admin.Value.ApiKey is { Length: > 0 } configured)
        {
            adminKey.Set(configured, generated: false);
        }
        else
        {
            // Embedded store only (validation requires a configured key otherwise): generate once, keep it.
            var key = await settings.GetOrAddAsync(AdminKeySetting, RandomNumberGenerator.GetHexString(32, lowercase: true), cancellationToken);
            adminKey.Set(key, generated: true);
        }

        await seeder.SeedAsync(cancellationToken);
    }
}

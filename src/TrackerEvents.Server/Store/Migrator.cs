using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using TrackerEvents.Diagnostics;

namespace TrackerEvents.Store;

/// <summary>
/// Applies the numbered scripts in <c>sql/&lt;dialect&gt;/NNNN_name.sql</c> (embedded in the assembly) in
/// order, each in its own transaction, and records them in <c>schema_migrations</c>.
/// </summary>
internal sealed partial class Migrator(IStoreDialect dialect, TimeProvider time, ILogger<Migrator> logger)
{
    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            id         INTEGER PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at BIGINT  NOT NULL
        )
        """;

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var scripts = LoadScripts(dialect.Name);
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No migrations are embedded for the '{dialect.Name}' dialect.");
        }

        await using var connection = await dialect.OpenAsync(cancellationToken);
        if (await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(dialect.NotUtf8, cancellationToken: cancellationToken)) is { } encoding)
        {
            throw new InvalidOperationException(
                $"The database's text encoding is {encoding}; TrackerEvents keeps states as UTF-8 text: create the database with the UTF-8 encoding.");
        }

        // Held across the whole run: two nodes starting at once would otherwise race even on CREATE TABLE
        // IF NOT EXISTS, which PostgreSQL does not make safe against a concurrent creator.
        await using var migrationLock = await dialect.LockForMigrationAsync(connection, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(CreateTable, cancellationToken: cancellationToken));

        var applied = 0;
        foreach (var script in scripts)
        {
            await using var write = await dialect.BeginWriteAsync(connection, cancellationToken);
            var transaction = write.Transaction;
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE id = @Id", new { script.Id }, transaction, cancellationToken: cancellationToken));
            if (done > 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(script.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (id, name, applied_at) VALUES (@Id, @Name, @AppliedAt)",
                new { script.Id, script.Name, AppliedAt = time.GetUtcNow().ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            LogApplied(logger, dialect.Name, script.Id, script.Name);
            applied++;
        }

        return applied;
    }

    internal static IReadOnlyList<MigrationScript> LoadScripts(string dialectName)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"sql/{dialectName}/";
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var normalized = resource.Replace('\\', '/');
            if (!normalized.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var match = ScriptName().Match(normalized[prefix.Length..]);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Migration '{normalized}' is not named NNNN_name.sql.");
            }

            scripts.Add(new MigrationScript(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
                match.Groups[2].Value, Read(assembly, resource)));
        }

        scripts.Sort((a, b) => a.Id.CompareTo(b.Id));
        return scripts;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^(\d{4})_([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex ScriptName();

    [LoggerMessage(EventId = LogEvents.MigrationApplied, Level = LogLevel.Information, Message = "Applied {Dialect} migration {MigrationId} {MigrationName}")]
    private static partial void LogApplied(ILogger logger, string dialect, int migrationId, string migrationName);
}

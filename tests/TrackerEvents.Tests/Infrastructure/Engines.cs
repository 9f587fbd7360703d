using System.Reflection;
using Xunit.Sdk;

namespace TrackerEvents.Tests.Infrastructure;

/// <summary>The SQL engines a store test can run on.</summary>
public enum Engine
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the PostgreSQL tests get their server, and what happens without one.
/// <list type="bullet">
/// <item><c>TRACKEREVENTS_TEST_POSTGRES</c>: a connection string to a server where the user may
/// CREATE DATABASE (each test server gets a fresh database, dropped afterwards).</item>
/// <item>Without it, PostgreSQL cases are reported as <b>skipped</b> on a developer machine, but when
/// <c>CI</c> is set they <b>run and fail</b> with a message that names the variable: CI cannot turn
/// green by silently skipping the production engine.</item>
/// </list>
/// xunit 2 has no run-time skip, so the decision is made at discovery: <see cref="EngineDataAttribute"/>
/// sets <c>Skip</c> on the PostgreSQL row only, and the SQLite row of the same test always runs.
/// </summary>
public static class Engines
{
    public const string PostgresVariable = "TRACKEREVENTS_TEST_POSTGRES";

    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } value
        && !value.Equals("false", StringComparison.OrdinalIgnoreCase) && value != "0";

    /// <summary>Why a PostgreSQL case is skipped, or null when it must run (server given, or in CI).</summary>
    public static string? PostgresSkipReason => PostgresConnectionString is null && !InCi
        ? $"PostgreSQL tests need {PostgresVariable} (a connection string whose user may CREATE DATABASE); .ci/run sets it up."
        : null;

    /// <summary>The server to create test databases on; in CI without one, the failure that says why.</summary>
    public static string RequirePostgres() => PostgresConnectionString
        ?? throw new InvalidOperationException(
            $"{PostgresVariable} is not set, and CI is: the PostgreSQL tests must run in CI. Run the tests through .ci/run, "
            + "or set it to a connection string whose user may CREATE DATABASE.");
}

/// <summary>
/// One row of a store theory: <c>[Theory, EngineData(Engine.Sqlite), EngineData(Engine.Postgres)]</c> runs
/// the test once per engine, as separate test cases. See <see cref="Engines"/> for when PostgreSQL is skipped.
/// </summary>
[DataDiscoverer("Xunit.Sdk.DataDiscoverer", "xunit.core")]
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class EngineDataAttribute(Engine engine) : DataAttribute
{
    public Engine Engine => engine;

    // Read by xunit's discovery from this instance (not from the attribute's syntax), so it can depend on
    // the environment of the run.
    public override string? Skip
    {
        get => engine == Engine.Postgres ? Engines.PostgresSkipReason : null;
        set => throw new NotSupportedException("EngineData decides Skip itself.");
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[engine]];
}

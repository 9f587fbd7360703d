namespace TrackerEvents.Store;

/// <summary>One embedded migration: <c>sql/&lt;dialect&gt;/NNNN_name.sql</c>, read by <see cref="Migrator"/>.</summary>
internal sealed record MigrationScript(int Id, string Name, string Sql);

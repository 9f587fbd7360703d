namespace TrackerEvents.Tests.Architecture;

/// <summary>The server's source files, found from the test's output folder by walking up to the solution.</summary>
internal static class SourceTree
{
    public static string ServerDirectory { get; } = Find();

    /// <summary>Every <c>.cs</c> file of the server (generated files under bin/ and obj/ left out).</summary>
    public static IEnumerable<string> Files() =>
        Directory.EnumerateFiles(ServerDirectory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Relative(f).StartsWith("bin/", StringComparison.Ordinal) && !Relative(f).StartsWith("obj/", StringComparison.Ordinal));

    /// <summary>The path of a file below the server project, with forward slashes.</summary>
    public static string Relative(string file) => Path.GetRelativePath(ServerDirectory, file).Replace('\\', '/');

    /// <summary>The feature folder a file is in (<c>""</c> for the project's root).</summary>
    public static string Folder(string file) => Relative(file) is var relative && relative.Contains('/') ? relative[..relative.IndexOf('/')] : "";

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TrackerEvents.sln")))
            {
                return Path.Combine(directory.FullName, "src", "TrackerEvents.Server");
            }
        }

        throw new InvalidOperationException("TrackerEvents.sln not found above " + AppContext.BaseDirectory);
    }
}

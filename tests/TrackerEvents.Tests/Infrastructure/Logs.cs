namespace TrackerEvents.Tests.Infrastructure;

/// <summary>The test server's log files (JSON lines, <c>Logging:Directory</c>), read while NLog still writes them.</summary>
internal static class Logs
{
    public static bool Contain(RunningServer server, string text)
    {
        var directory = Path.Combine(server.Directory, "logs");
        return Directory.Exists(directory) && Directory.GetFiles(directory).Any(f => ReadShared(f).Contains(text, StringComparison.Ordinal));
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

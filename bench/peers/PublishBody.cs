namespace Bench.Peers;

/// <summary>
/// The body of <c>POST /publish</c>, shared by both peers: one message per line, <c>topic TAB frame</c>,
/// where topic <c>*</c> means every connection and the frame is the exact text to deliver.
/// </summary>
internal static class PublishBody
{
    public static async Task<List<(string Topic, string Frame)>> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync();
        var lines = new List<(string, string)>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab > 0)
            {
                lines.Add((line[..tab], line[(tab + 1)..]));
            }
        }

        return lines;
    }

    public static string[] Topics(HttpRequest request) =>
        request.Query["topics"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

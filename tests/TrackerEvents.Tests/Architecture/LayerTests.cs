using System.Text.RegularExpressions;

namespace TrackerEvents.Tests.Architecture;

/// <summary>
/// The server's feature folders depend on each other in one direction only, as drawn in the README's
/// Architecture section: pure model and codec at the bottom, hosting at the top. A file's dependencies are
/// read from its <c>using TrackerEvents.X</c> directives and from names qualified with a feature
/// (<c>Store.TrackerStore</c>, <c>TrackerEvents.Api.X</c>).
/// </summary>
public sealed partial class LayerTests
{
    /// <summary>What each folder may use, besides itself. Hosting composes everything.</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> Allowed = new Dictionary<string, string[]>
    {
        ["Diagnostics"] = [],
        ["Tracking"] = [],
        ["Protocol"] = [],
        ["Messages"] = ["Tracking", "Protocol"],
        ["Store"] = ["Tracking", "Diagnostics"],
        ["Auth"] = ["Store", "Messages", "Tracking", "Diagnostics"],
        ["Subscriptions"] = ["Messages", "Protocol", "Tracking", "Diagnostics"],
        ["Dispatch"] = ["Subscriptions", "Store", "Messages", "Protocol", "Tracking", "Diagnostics"],
        ["Api"] = ["Auth", "Store", "Messages", "Tracking", "Diagnostics"],
        ["Connections"] = ["Dispatch", "Subscriptions", "Auth", "Store", "Messages", "Protocol", "Tracking", "Diagnostics"],
        ["Admin"] = ["Api", "Auth", "Store", "Messages", "Tracking", "Diagnostics"],
        ["Devices"] = ["Auth", "Store", "Tracking", "Diagnostics"],
        ["Demo"] = ["Devices", "Auth", "Store", "Tracking", "Diagnostics"],
        ["Page"] = [],
        ["Hosting"] = ["Admin", "Api", "Auth", "Connections", "Demo", "Devices", "Page", "Dispatch", "Subscriptions", "Store", "Messages", "Protocol", "Tracking", "Diagnostics"],
        [""] = ["Hosting"],
    };

    [Fact]
    public void EveryFolder_UsesOnlyTheLayersBelowIt()
    {
        var wrong = new List<string>();
        foreach (var file in SourceTree.Files())
        {
            var folder = SourceTree.Folder(file);
            Allowed.Should().ContainKey(folder, $"{SourceTree.Relative(file)} is in a folder the layer table does not know: add it to the table and the README");
            foreach (var used in Dependencies(File.ReadAllText(file)).Where(d => d != folder && !Allowed[folder].Contains(d)))
            {
                wrong.Add($"{SourceTree.Relative(file)} uses {used}");
            }
        }

        wrong.Should().BeEmpty("a folder may use only the folders below it");
    }

    [Fact]
    public void TheLayerTable_HasNoCycle()
    {
        var done = new HashSet<string>();
        foreach (var folder in Allowed.Keys)
        {
            Visit(folder, [], done);
        }
    }

    [Fact]
    public void Dependencies_AreReadFromUsingsAndQualifiedNames()
    {
        // The reader itself must see both forms, or the test above could pass on code that breaks the layers.
        Dependencies("using TrackerEvents.Store;\nvar x = Api.ApiError.WrongHash; var y = TrackerEvents.Auth.ClientAddress.Of(h);")
            .Should().BeEquivalentTo(["Store", "Api", "Auth"]);
        Dependencies("var store = call.Store.Read(); // Store.X in a comment").Should().BeEmpty();
    }

    private static void Visit(string folder, List<string> path, HashSet<string> done)
    {
        path.Contains(folder).Should().BeFalse($"the layer table has a cycle: {string.Join(" -> ", path.Append(folder))}");
        if (!done.Add(folder))
        {
            return;
        }

        foreach (var next in Allowed.GetValueOrDefault(folder, []))
        {
            Visit(next, [.. path, folder], done);
        }
    }

    /// <summary>The feature folders a source text refers to.</summary>
    internal static IReadOnlySet<string> Dependencies(string source)
    {
        var code = Comment().Replace(source, "");
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in UsingDirective().Matches(code))
        {
            found.Add(match.Groups[1].Value);
        }

        foreach (Match match in QualifiedName().Matches(code))
        {
            if (Allowed.ContainsKey(match.Groups[1].Value))
            {
                found.Add(match.Groups[1].Value);
            }
        }

        return found;
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"^\s*using\s+(?:static\s+)?TrackerEvents\.(\w+)", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    // A feature name followed by a type name, not itself a member access (call.Store.X) or part of a longer name.
    [GeneratedRegex(@"(?<![\w.])(?:TrackerEvents\.)?(\w+)\.[A-Z]\w*")]
    private static partial Regex QualifiedName();
}

using System.Reflection;
using System.Text.RegularExpressions;
using TrackerEvents.Diagnostics;

namespace TrackerEvents.Tests.Architecture;

/// <summary>Log event ids live in one file, <c>Diagnostics/LogEvents.cs</c>, and name one kind of line each.</summary>
public sealed partial class LogEventTests
{
    [Fact]
    public void EventIds_AreUnique()
    {
        var ids = typeof(LogEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (Name: f.Name, Id: (int)f.GetRawConstantValue()!)).ToList();

        ids.Should().NotBeEmpty();
        ids.GroupBy(i => i.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(i => i.Name))}")
            .Should().BeEmpty("one id names one kind of log line");
    }

    [Fact]
    public void EveryLogMessage_TakesItsIdFromLogEvents()
    {
        var literal = SourceTree.Files()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: SourceTree.Relative(f), Line: i + 1, Text: line)))
            .Where(l => LiteralEventId().IsMatch(l.Text))
            .Select(l => $"{l.File}:{l.Line}");

        literal.Should().BeEmpty("an id written as a number elsewhere can collide unseen");
    }

    [GeneratedRegex(@"EventId\s*=\s*\d")]
    private static partial Regex LiteralEventId();
}

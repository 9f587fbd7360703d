using TrackerEvents.Connections;

namespace TrackerEvents.Tests.Units;

/// <summary>Large subscribe snapshots are built one per processor at a time; small ones never wait.</summary>
public sealed class SnapshotTurnsTests
{
    [Fact]
    public async Task ALargeSnapshot_WaitsForATurn_WhileASmallOneGoesAhead()
    {
        using var turns = new SnapshotTurns();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => turns.RunAsync(SnapshotTurns.LargeFrom + 1, () => release.Task, CancellationToken.None)).ToList();

        var waitingStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = turns.RunAsync(10_000, () =>
        {
            waitingStarted.SetResult();
            return Task.CompletedTask;
        }, CancellationToken.None);
        var smallStarted = false;
        await turns.RunAsync(SnapshotTurns.LargeFrom, () =>
        {
            smallStarted = true;
            return Task.CompletedTask;
        }, CancellationToken.None);

        smallStarted.Should().BeTrue();
        waitingStarted.Task.IsCompleted.Should().BeFalse("every turn is taken");
        waiting.IsCompleted.Should().BeFalse();

        release.SetResult();
        await Task.WhenAll(holding).WaitAsync(TimeSpan.FromSeconds(10));
        await waitingStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AFailedBuild_GivesItsTurnBack()
    {
        using var turns = new SnapshotTurns();
        for (var i = 0; i < Environment.ProcessorCount + 1; i++)
        {
            var failing = () => turns.RunAsync(SnapshotTurns.LargeFrom + 1, () => throw new InvalidOperationException("store down"), CancellationToken.None);
            await failing.Should().ThrowAsync<InvalidOperationException>();
        }

        await turns.RunAsync(SnapshotTurns.LargeFrom + 1, () => Task.CompletedTask, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }
}

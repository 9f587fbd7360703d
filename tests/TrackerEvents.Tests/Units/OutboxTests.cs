using System.Text;
using TrackerEvents.Protocol;
using TrackerEvents.Subscriptions;

namespace TrackerEvents.Tests.Units;

/// <summary>The outbox alone: states conflate per tracker in place, everything else queues up to a limit.</summary>
public sealed class OutboxTests
{
    private static Payload Message(string text, PayloadKind kind = PayloadKind.Message) => new(Encoding.UTF8.GetBytes(text), kind);

    private static List<string> Drain(Outbox outbox)
    {
        var taken = new List<string>();
        while (outbox.TryTake(out var payload))
        {
            taken.Add(payload.ToString());
        }

        return taken;
    }

    [Fact]
    public void ANewerState_ReplacesTheUnsentOne_InItsPlace()
    {
        var outbox = new Outbox(10);
        outbox.PutState(1, Message("s1 v1"));
        outbox.Add(Message("response"));
        outbox.PutState(2, Message("s2 v1"));
        outbox.PutState(1, Message("s1 v2"));

        Drain(outbox).Should().Equal("s1 v2", "response", "s2 v1");
    }

    [Fact]
    public void AStateTakenAlready_IsQueuedAgainAtTheEnd()
    {
        var outbox = new Outbox(10);
        outbox.PutState(1, Message("s1 v1"));
        outbox.TryTake(out _).Should().BeTrue();
        outbox.Add(Message("event"));
        outbox.PutState(1, Message("s1 v2"));

        Drain(outbox).Should().Equal("event", "s1 v2");
    }

    [Fact]
    public void PastTheLimit_MessagesAreRefused_AndTheOutboxSaysSo_WhileStatesStillConflate()
    {
        var outbox = new Outbox(2);
        outbox.Add(Message("a")).Should().BeTrue();
        outbox.Add(Message("b")).Should().BeTrue();
        outbox.Overflowed.Should().BeFalse();

        outbox.Add(Message("c")).Should().BeFalse();
        outbox.PutState(9, Message("state"));

        outbox.Overflowed.Should().BeTrue();
        Drain(outbox).Should().Equal("a", "b", "state");
    }

    [Fact]
    public void BatchFrames_AreCountedWhileTheyWait()
    {
        var outbox = new Outbox(10);
        outbox.Add(Message("batch", PayloadKind.Batch));
        outbox.Add(Message("other"));
        outbox.PendingBatches.Should().Be(1);

        outbox.TryTake(out _);
        outbox.PendingBatches.Should().Be(0);
    }

    [Fact]
    public void RemoveState_DropsOnlyThatTrackersState()
    {
        var outbox = new Outbox(10);
        outbox.PutState(1, Message("s1"));
        outbox.PutState(2, Message("s2"));
        outbox.RemoveState(1);

        Drain(outbox).Should().Equal("s2");
    }
}

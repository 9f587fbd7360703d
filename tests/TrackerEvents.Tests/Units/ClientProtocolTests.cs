using System.Text;
using TrackerEvents.Client;
using TrackerEvents.Client.Atmosphere;

namespace TrackerEvents.Tests.Units;

/// <summary>The client's Atmosphere pieces, text in and a value out.</summary>
public sealed class ClientProtocolTests
{
    [Theory]
    [InlineData("b623a15d-9623-4fd8-a9d3-697036635c29|30000|X|", "b623a15d-9623-4fd8-a9d3-697036635c29", 30000, "X")]
    [InlineData("abc-123|60000|X|", "abc-123", 60000, "X")]
    [InlineData("uuid-1|0||", "uuid-1", 0, "X")]
    public void AHandshake_GivesTheTrackingIdHeartbeatAndPadding(string text, string id, int milliseconds, string padding)
    {
        Handshake.TryParse(text, out var handshake).Should().BeTrue();
        handshake.Should().Be(new Handshake(id, TimeSpan.FromMilliseconds(milliseconds), padding));
    }

    [Theory]
    [InlineData("{\"type\":\"event\",\"event\":\"logout\",\"data\":\"a|b|c\"}")]
    [InlineData("X")]
    [InlineData("uuid|thirty|X|")]
    [InlineData("")]
    public void WhatIsNotAHandshake_IsNotTakenForOne(string text) => Handshake.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void ALengthTrackedBody_SplitsIntoItsMessages_CountingUtf16Units()
    {
        var partial = "";
        AtmosphereMessages.SplitTracked("  \n45|fadb5a88-a750-41f1-a49b-c29c0626453f|30000|X|", ref partial)
            .Should().Equal("fadb5a88-a750-41f1-a49b-c29c0626453f|30000|X|");
        AtmosphereMessages.SplitTracked("8|héllo 😀1|X11|{\"a\":\"x|y\"}", ref partial).Should().Equal("héllo 😀", "X", "{\"a\":\"x|y\"}");
        partial.Should().BeEmpty();
    }

    [Fact]
    public void AMessageCutAtTheEndOfABody_IsCompletedByTheNext()
    {
        var partial = "";
        AtmosphereMessages.SplitTracked("3|abc10|{\"a\":", ref partial).Should().Equal("abc");
        AtmosphereMessages.SplitTracked("\"xy\"}", ref partial).Should().Equal("{\"a\":\"xy\"}");
        AtmosphereMessages.SplitTracked("{\"untracked\":1}", ref partial).Should().ContainSingle("a body without lengths is one message")
            .Which.Should().Be("{\"untracked\":1}");
    }

    [Theory]
    [InlineData("X", true)]
    [InlineData("  X\n", true)]
    [InlineData("   \n", true)]
    [InlineData("", true)]
    [InlineData("XX", false)]
    [InlineData("{}", false)]
    public void HeartbeatsAndPadding_AreToldFromMessages(string frame, bool skipped) =>
        AtmosphereMessages.IsHeartbeatOrBlank(Encoding.UTF8.GetBytes(frame), "X").Should().Be(skipped);

    [Fact]
    public void ReconnectWaits_Double_WithJitter_UpToTheCeiling()
    {
        var policy = new ReconnectPolicy { InitialDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30) };

        policy.DelayFor(0, 0).Should().Be(TimeSpan.FromMilliseconds(500));
        policy.DelayFor(0, 0.999).Should().BeCloseTo(TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(1));
        policy.DelayFor(3, 0).Should().Be(TimeSpan.FromSeconds(4));
        policy.DelayFor(3, 0.999).Should().BeCloseTo(TimeSpan.FromSeconds(8), TimeSpan.FromMilliseconds(10));
        policy.DelayFor(50, 0.999).Should().BeCloseTo(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
        policy.DelayFor(50, 0).Should().Be(TimeSpan.FromSeconds(15), "even at the ceiling clients spread out");
    }

    [Fact]
    public void TheUrls_CarryWhatAtmosphereJsSends()
    {
        var endpoint = new Uri("https://api.eu.navixy.com/v2/event/subscription");
        var time = TimeProvider.System;

        AtmosphereUrls.Open(endpoint, "websocket", null, false, time).ToString().Should().Be(
            "wss://api.eu.navixy.com/v2/event/subscription?X-Atmosphere-tracking-id=0&X-Atmosphere-Framework=3.1.3-trackerevents-dotnet"
            + "&X-Atmosphere-Transport=websocket&Content-Type=application%2Fjson&X-atmo-protocol=true");
        AtmosphereUrls.Open(endpoint, "long-polling", "u-1", true, time).Query.Should()
            .Contain("X-Atmosphere-tracking-id=u-1").And.Contain("X-Atmosphere-Transport=long-polling").And.Contain("X-Atmosphere-TrackMessageSize=true")
            .And.Contain("&_=");
        AtmosphereUrls.Close(endpoint, "u-1").Query.Should().Be("?X-Atmosphere-Transport=close&X-Atmosphere-tracking-id=u-1");
        AtmosphereUrls.Push(endpoint, "u-1", time).Query.Should().Contain("X-Atmosphere-Transport=polling");
    }

    [Fact]
    public void Unsubscribing_TakesTrackersOutOfWhatIsSentAgain()
    {
        var set = new SubscriptionSet();
        set.Add([
            SubscriptionRequest.State([1, 2]),
            SubscriptionRequest.StateBatch(SubscriptionTarget.Selected([3, 4])),
            SubscriptionRequest.ReadingsBatch(SubscriptionTarget.All),
            SubscriptionRequest.IotMonitor(SubscriptionTarget.Selected([5])),
        ]);

        set.Remove([
            SubscriptionRequest.State([1]),
            SubscriptionRequest.StateBatch(SubscriptionTarget.Selected([3, 4])),
            SubscriptionRequest.ReadingsBatch(SubscriptionTarget.Selected([9])),
            SubscriptionRequest.IotMonitor(SubscriptionTarget.All),
        ]);

        set.Current.Should().HaveCount(2);
        set.Current[0].Trackers.Should().Equal(2);
        set.Current[1].Should().Be(SubscriptionRequest.ReadingsBatch(SubscriptionTarget.All), "a request for all trackers stays when some are taken out");
    }
}

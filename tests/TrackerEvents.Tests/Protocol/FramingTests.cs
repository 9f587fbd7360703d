using TrackerEvents.Protocol;

namespace TrackerEvents.Tests.Protocol;

/// <summary>The codec alone: pure functions over strings and bytes.</summary>
public sealed class FramingTests
{
    [Theory]
    [InlineData(false, "be2a2769-8a8e-4a24-a817-318398f3df9c|30000|X|")]
    [InlineData(true, "45|be2a2769-8a8e-4a24-a817-318398f3df9c|30000|X|")]
    public void Handshake_IsUuidIntervalPadding_PrefixedOnlyWithLengthTracking(bool trackMessageSize, string expected) =>
        System.Text.Encoding.UTF8.GetString(AtmosphereFraming.Handshake("be2a2769-8a8e-4a24-a817-318398f3df9c", 30000, trackMessageSize))
            .Should().Be(expected);

    [Fact]
    public void LengthPrefix_CountsUtf16CodeUnits_NotBytes()
    {
        var text = "héllo 😀";
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);

        var framed = System.Text.Encoding.UTF8.GetString(AtmosphereFraming.Frame(utf8, text.Length, trackMessageSize: true));

        framed.Should().Be("8|héllo 😀");
        utf8.Length.Should().Be(11);
    }

    [Theory]
    [InlineData("X", "Heartbeat", "X")]
    [InlineData(" X\n", "Heartbeat", " X\n")]
    [InlineData("ping", "Ignored", "ping")]
    [InlineData("   ", "Ignored", "   ")]
    [InlineData("@@/v2/event@@{\"a\":1}", "Message", "{\"a\":1}")]
    [InlineData("@@/x@@X", "Heartbeat", "X")]
    [InlineData("{\"action\":\"subscribe\"}", "Message", "{\"action\":\"subscribe\"}")]
    public void Inbound_IsClassified_AndThePathPrefixStripped(string text, string kind, string message)
    {
        AtmosphereFraming.Classify(text, out var stripped).ToString().Should().Be(kind);
        stripped.Should().Be(message);
    }

    [Fact]
    public void Parameters_ComeFromTheQueryFirst_CaseInsensitively_WithHeadersAsFallback()
    {
        var parameters = AtmosphereParameters.Parse(
            [new("x-atmosphere-tracking-id", "0"), new("X-ATMOSPHERE-TRANSPORT", "WebSocket"), new("X-Atmosphere-TrackMessageSize", "true")],
            [new("X-atmo-protocol", "true"), new("X-Atmosphere-Transport", "long-polling"), new("X-Heartbeat-Server", "20")]);

        parameters.IsFirstConnect.Should().BeTrue();
        parameters.Transport.Should().Be("websocket");
        parameters.TrackMessageSize.Should().BeTrue();
        parameters.Protocol.Should().BeTrue();
        parameters.HeartbeatServerSeconds.Should().Be(20);
        AtmosphereParameters.Parse([new("X-Atmosphere-tracking-id", "abc")], []).TrackingId.Should().Be("abc");
        AtmosphereParameters.Parse([new("X-Atmosphere-Transport", "close")], []).IsClose.Should().BeTrue();
    }

    [Theory]
    [InlineData(null, 25, 25)]
    [InlineData(0, 25, 0)]
    [InlineData(10, 25, 25)]
    [InlineData(40, 25, 40)]
    public void HeartbeatServer_ZeroTurnsItOff_ShorterIsRaised_LongerIsHonoured(int? requested, int configured, int expected) =>
        TrackerEvents.Connections.TransportDeadlines.HeartbeatFor(TimeSpan.FromSeconds(configured), requested)
            .Should().Be(TimeSpan.FromSeconds(expected));
}

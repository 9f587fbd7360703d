using TrackerEvents.Tracking;

namespace TrackerEvents.Tests.Units;

public sealed class FieldPathTests
{
    [Fact]
    public void Children_JoinWithDots_UnderARootOrUnderNone_PastThreeLevelsToo()
    {
        FieldPath states = "states[3]";
        FieldPath none = "";

        states.ToString().Should().Be("states[3]");
        states.Child("gps").ToString().Should().Be("states[3].gps");
        states.Child("gps").Child("location").Child("lat").ToString().Should().Be("states[3].gps.location.lat");
        states.Child("a").Child("b").Child("c").Child("d").Child("e").ToString().Should().Be("states[3].a.b.c.d.e");
        none.Child("gps").Child("speed").ToString().Should().Be("gps.speed");
    }
}

using System.Net;
using TrackerEvents.Tests.Infrastructure;

namespace TrackerEvents.Tests.Auth;

public sealed class ThrottleTests
{
    [Fact]
    public async Task FailedLogins_PastTheLimitPerLogin_Are105EvenWithTheRightPassword_UntilTheWindowPasses()
    {
        var clock = new ManualClock();
        await using var server = await RunningServer.StartAsync(clock, "Auth:MaxFailedLoginsPerLogin=3", "Auth:FailedLoginWindow=00:10:00");
        await server.CreateUserAsync("kate");
        for (var i = 0; i < 3; i++)
        {
            (await server.CallAsync("user/auth", new { login = "kate", password = "guess" + i })).ShouldFail(102);
        }

        (await server.CallAsync("user/auth", new { login = "kate", password = "secret-password" })).ShouldFail(105);

        clock.Advance(TimeSpan.FromMinutes(11));
        await server.LoginAsync("kate");
    }

    [Fact]
    public async Task FailedLogins_PastTheLimitPerAddress_Are105ForEveryLogin()
    {
        await using var server = await RunningServer.StartAsync("Auth:MaxFailedLoginsPerAddress=3");
        await server.CreateUserAsync("leo");
        for (var i = 0; i < 3; i++)
        {
            (await server.CallAsync("user/auth", new { login = "someone" + i, password = "guess" })).ShouldFail(102);
        }

        (await server.CallAsync("user/auth", new { login = "leo", password = "secret-password" })).ShouldFail(105);
    }

    [Fact]
    public async Task Requests_PastTheLimitPerHash_Are15With429_OtherHashesCarryOn()
    {
        await using var server = await RunningServer.StartAsync("Api:RateLimit=5", "Api:RateLimitWindow=00:05:00", "Api:AddressRateLimit=1000");
        await server.CreateUserAsync("mia");
        var busy = await server.LoginAsync("mia");
        var quiet = await server.LoginAsync("mia");
        for (var i = 0; i < 5; i++)
        {
            (await server.CallAsync("tracker/list", new { hash = busy })).ShouldSucceed();
        }

        (await server.CallAsync("tracker/list", new { hash = busy })).ShouldFail(15, HttpStatusCode.TooManyRequests);
        (await server.CallAsync("tracker/list", new { hash = quiet })).ShouldSucceed();
    }

    [Fact]
    public async Task Requests_PastTheLimitPerAddress_Are15With429()
    {
        await using var server = await RunningServer.StartAsync("Api:AddressRateLimit=5", "Api:RateLimitWindow=00:05:00");
        for (var i = 0; i < 5; i++)
        {
            (await server.CallAsync("tracker/list", new { })).ShouldFail(3);
        }

        (await server.CallAsync("tracker/list", new { })).ShouldFail(15, HttpStatusCode.TooManyRequests);
        (await server.CallAsync("user/auth", new { login = "x", password = "y" })).ShouldFail(15, HttpStatusCode.TooManyRequests);
    }
}

using TrackerEvents.Client;
using TrackerEvents.Tests.Protocol;

namespace TrackerEvents.Tests.Client;

/// <summary>Logins, ended sessions and the logout event, through the client: typed errors, and logging in again where it can.</summary>
public sealed class ClientSessionTests
{
    [Fact]
    public async Task AWrongPassword_IsWrongLogin()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = new TrackerEventsClient(TestClients.Options(fleet.Server.BaseAddress, Credentials.Password("fleet", "not-the-password")));

        var error = (await client.Invoking(c => c.ListTrackersAsync()).Should().ThrowAsync<WrongLoginException>()).Which;

        error.Code.Should().Be(102);
        error.Action.Should().Be("user/auth");
        error.Message.Should().NotContain("not-the-password");
    }

    [Fact]
    public async Task AnEndedSessionHash_IsSessionEnded_OnCallsAndOnSubscribe()
    {
        await using var fleet = await Fleet.StartAsync();
        var hash = await fleet.Server.LoginAsync("fleet");
        (await fleet.Server.CallAsync("user/logout", new { hash })).ShouldSucceed();
        await using var client = TestClients.WithHash(fleet, hash);

        (await client.Invoking(c => c.ListTrackersAsync()).Should().ThrowAsync<SessionEndedException>()).Which.Code.Should().Be(4);
        (await client.Invoking(c => c.SubscribeAsync([SubscriptionRequest.State([fleet.A])])).Should().ThrowAsync<SessionEndedException>())
            .Which.Action.Should().Be("subscription/subscribe");
    }

    [Fact]
    public async Task WithAHash_TheRenewHook_GivesTheNextOne()
    {
        await using var fleet = await Fleet.StartAsync();
        var ended = await fleet.Server.LoginAsync("fleet");
        (await fleet.Server.CallAsync("user/logout", new { hash = ended })).ShouldSucceed();
        var renewals = 0;
        await using var client = new TrackerEventsClient(TestClients.Options(fleet.Server.BaseAddress, Credentials.Hash(ended)) with
        {
            RenewHash = async _ =>
            {
                renewals++;
                return await fleet.Server.LoginAsync("fleet");
            },
        });

        (await client.ListTrackersAsync()).Select(t => t.Id).Should().BeEquivalentTo([fleet.A, fleet.B, fleet.Blocked]);
        renewals.Should().Be(1);
    }

    [Fact]
    public async Task WithAPassword_AnEndedSession_IsLoggedInAgain()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);
        var first = await client.LoginAsync();
        (await fleet.Server.CallAsync("user/logout", new { hash = first })).ShouldSucceed();

        var states = await client.GetStatesAsync([fleet.A, fleet.Blocked, 987654]);

        states.States.Keys.Should().BeEquivalentTo([fleet.A]);
        states.States[fleet.A].Speed().Should().Be(10);
        states.Blocked.Should().BeEquivalentTo([fleet.Blocked]);
        states.NotExist.Should().BeEquivalentTo([987654L]);
        (await client.LoginAsync()).Should().NotBe(first);
    }

    [Fact]
    public async Task TheLogoutEvent_WithAHash_IsDelivered_ThenTheEnumerationEndsWithSessionEnded()
    {
        await using var fleet = await Fleet.StartAsync();
        var hash = await fleet.Server.LoginAsync("fleet");
        await using var client = TestClients.WithHash(fleet, hash);
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateEvent>();

        (await fleet.Server.CallAsync("user/logout", new { hash })).ShouldSucceed();

        (await events.NextAsync<LogoutEvent>()).Reason.Should().Be("session closed");
        await events.Invoking(e => e.MoveNextAsync()).Should().ThrowAsync<SessionEndedException>();
    }

    [Fact]
    public async Task TheLogoutEvent_WithAPassword_IsDelivered_ThenTheClientLogsInAndSubscribesAgain()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateEvent>();

        (await fleet.Server.CallAsync("user/logout", new { hash = await client.LoginAsync() })).ShouldSucceed();

        await events.NextAsync<LogoutEvent>();
        (await events.NextAsync<StateEvent>()).State.SourceId.Should().Be(fleet.SourceA, "the new subscription's snapshot");
        (await fleet.Server.IngestStatesAsync(new { tracker_id = fleet.A, gps = new { speed = 61 } })).ShouldSucceed();
        await events.NextAsync<StateEvent>(e => e.State.Speed() == 61);
    }

    [Fact]
    public async Task LoggingOut_EndsTheEnumeration_WithoutLoggingInAgain()
    {
        await using var fleet = await Fleet.StartAsync();
        await using var client = TestClients.For(fleet);
        await using var subscription = await client.SubscribeAsync([SubscriptionRequest.State([fleet.A])]);
        await using var events = new EventReader(subscription);
        await events.NextAsync<StateEvent>();

        await client.LogoutAsync();

        await events.NextAsync<LogoutEvent>();
        (await events.MoveNextAsync()).Should().BeFalse("the consumer logged out itself");
    }
}

using Lightshield.Agent.Events;
using Lightshield.Protocol.Center;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Point 3: the outbox is delivered to the center's ReportEvents, each event once, across a restart.</summary>
public sealed class CenterEventTests
{
    [Fact]
    public async Task Events_ReachTheCenterOncePerId_AcrossARestart()
    {
        await using var bed = await CenterTestBed.StartAsync();
        var appended = new List<Guid>();
        await using (var agent = await bed.StartAgentAsync())
        {
            var outbox = agent.Get<EventOutbox>();
            for (var i = 0; i < 1200; i++)
            {
                appended.Add((await outbox.AppendAsync("test-event", $$"""{"n":{{i}}}""")).Id);
            }
            await agent.WaitForAsync(bed.Center.Events, events => AllReceived(events, appended), "the first events");
            // Delivery is at least once: an event whose acknowledgement the agent has not recorded yet is sent again
            // after a restart (the center keeps one per id). Acknowledged ones never are.
            await agent.WaitUntilAsync(async () => (await outbox.PendingAsync(1)).Count == 0, "the agent to record the acknowledgements");
        }
        await bed.StopAgentsAsync();
        await using (var again = await bed.StartAgentAsync())
        {
            var outbox = again.Get<EventOutbox>();
            for (var i = 0; i < 10; i++)
            {
                appended.Add((await outbox.AppendAsync("test-event", $$"""{"after":{{i}}}""")).Id);
            }
            await again.WaitForAsync(bed.Center.Events, events => AllReceived(events, appended), "the events after the restart");
            var syncs = bed.Center.Syncs.Count;
            await again.WaitForAsync(bed.Center.Syncs, all => all.Count >= syncs + 2, "two more syncs");
        }
        var received = bed.Center.Events.Where(e => e.Type == "test-event").GroupBy(e => e.EventId).ToList();
        Assert.Equal(appended.Count, received.Count);
        Assert.All(received, g => Assert.Single(g));
        Assert.Single(bed.Center.Enrolments); // the restarted agent kept its credential
    }

    // Checked on every event the center receives: linear, not a scan of the events per appended id.
    private static bool AllReceived(IReadOnlyList<AgentEventMessage> events, List<Guid> appended) =>
        events.Select(e => e.EventId).ToHashSet().IsSupersetOf(appended.Select(id => id.ToString()));
}

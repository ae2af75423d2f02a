using Lightshield.Agent.Events;

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
            await agent.WaitUntilAsync(() => appended.All(id => bed.Center.Events.Any(e => e.EventId == id.ToString())), "the first events");
        }
        await bed.StopAgentsAsync();
        await using (var again = await bed.StartAgentAsync())
        {
            var outbox = again.Get<EventOutbox>();
            for (var i = 0; i < 10; i++)
            {
                appended.Add((await outbox.AppendAsync("test-event", $$"""{"after":{{i}}}""")).Id);
            }
            await again.WaitUntilAsync(() => appended.All(id => bed.Center.Events.Any(e => e.EventId == id.ToString())), "the events after the restart");
            var syncs = bed.Center.Syncs.Count;
            await again.WaitUntilAsync(() => bed.Center.Syncs.Count >= syncs + 2, "two more syncs");
        }
        var received = bed.Center.Events.Where(e => e.Type == "test-event").GroupBy(e => e.EventId).ToList();
        Assert.Equal(appended.Count, received.Count);
        Assert.All(received, g => Assert.Single(g));
        Assert.Single(bed.Center.Enrolments); // the restarted agent kept its credential
    }
}

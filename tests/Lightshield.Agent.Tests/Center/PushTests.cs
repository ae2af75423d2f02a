namespace Lightshield.Agent.Tests.Center;

/// <summary>Issue 21, push channel, the agent's side: it holds the center's stream open, syncs at once on a nudge (not
/// on hello or keep-alive), opens a new stream when the center ends one, and without a channel just syncs.</summary>
public sealed class PushTests
{
    [Fact(Timeout = 60_000)]
    public async Task A_nudge_makes_the_agent_sync_at_once_instead_of_at_its_next_interval()
    {
        await using var bed = await CenterTestBed.StartAsync();
        bed.Center.PushEnabled = true;
        bed.Center.SyncIntervalSeconds = 600;
        bed.Center.SetPolicy(1, CenterTestBed.Policy());
        await using var agent = await bed.StartAgentAsync();
        await agent.WaitForAsync(bed.Center.Syncs, s => s.Count >= 1, "the first sync", 20);
        await agent.WaitForAsync(bed.Center.Subscriptions, s => s.Count >= 1, "the push stream", 20);
        var before = bed.Center.Syncs.Count;

        bed.Center.Push("keepalive");
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(before, bed.Center.Syncs.Count); // a keep-alive is not news, and the interval is ten minutes

        bed.Center.Push("tasks");
        await agent.WaitForAsync(bed.Center.Syncs, s => s.Count > before, "a sync right after the nudge", 5);
    }

    [Fact(Timeout = 60_000)]
    public async Task When_the_center_ends_the_stream_the_agent_opens_another()
    {
        await using var bed = await CenterTestBed.StartAsync();
        bed.Center.PushEnabled = true;
        bed.Center.SyncIntervalSeconds = 600;
        bed.Center.SetPolicy(1, CenterTestBed.Policy());
        await using var agent = await bed.StartAgentAsync();
        await agent.WaitForAsync(bed.Center.Subscriptions, s => s.Count >= 1, "the push stream", 20);

        bed.Center.EndStream();

        // The first reconnection waits a random part of one second, the next of two, ...
        await agent.WaitForAsync(bed.Center.Subscriptions, s => s.Count >= 2, "a new push stream", 10);
        var before = bed.Center.Syncs.Count;
        bed.Center.Push("policy");
        await agent.WaitForAsync(bed.Center.Syncs, s => s.Count > before, "a sync on the new stream's nudge", 5);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_center_without_the_channel_leaves_the_agent_syncing_as_before()
    {
        await using var bed = await CenterTestBed.StartAsync();
        bed.Center.SetPolicy(1, CenterTestBed.Policy());
        await using var agent = await bed.StartAgentAsync();

        await agent.WaitForAsync(bed.Center.Syncs, s => s.Count >= 3, "syncs every interval", 20);
        Assert.Empty(bed.Center.Subscriptions);
        Assert.Contains(bed.Center.AuthenticatedCalls, c => c.Method == "Subscribe");
    }
}

using Lightshield.Center.Coordination;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Coordination;

/// <summary>Issue 21, several center instances on one PostgreSQL database: the background work that must happen once
/// (scheduled-scan planning, event retention, licence evaluation) runs on one instance, and moves to another within
/// 30 seconds when that one stops or dies. Real center hosts, a real database, one fake clock.</summary>
public sealed class BackgroundWorkMultiInstanceTests
{
    private const string Planning = "scheduled-scan-planning";
    private const string Retention = "event-retention";
    private const string Licences = "licence-evaluation";
    private static readonly string[] AllJobs = [Planning, Retention, Licences];
    private static readonly TimeSpan Step = BackgroundLeases.CheckInterval;

    [Fact]
    public async Task Two_instances_plan_each_scheduled_scan_once_and_the_work_moves_within_30_s_when_its_instance_stops()
    {
        await using var centers = await CenterInstances.CreateAsync();
        var first = centers.Start();
        await WaitUntilAsync(() => AllJobs.All(j => CenterInstances.Job(first, j).Holding), "the first instance never took its background jobs");
        var second = centers.Start();
        var (tenantId, _) = await CenterInstances.TenantWithScheduleAsync(first, everyMinutes: 1);

        await RunClockAsync(centers, first, TimeSpan.FromMinutes(3));

        Assert.True(CenterInstances.Job(first, Planning).Runs >= 6, "the first instance did not plan every 30 s");
        Assert.All(AllJobs, j => Assert.Equal(0, CenterInstances.Job(second, j).Runs));
        Assert.All(AllJobs, j => Assert.False(CenterInstances.Job(second, j).Holding));
        var planned = await CenterInstances.ScheduledTasksAsync(first, tenantId);
        Assert.InRange(planned.Count, 2, 3); // every minute, for 3 minutes
        AssertOncePerOccurrence(planned);

        await centers.StopAsync(first);
        var stoppedAt = centers.Time.GetUtcNow();
        while (!AllJobs.All(j => CenterInstances.Job(second, j).Holding))
        {
            Assert.True(centers.Time.GetUtcNow() - stoppedAt < TimeSpan.FromSeconds(30),
                $"30 s after the first instance stopped, the second holds only {string.Join(", ", AllJobs.Where(j => CenterInstances.Job(second, j).Holding))}");
            await centers.TickAsync(second, Step);
            await WaitUntilAsync(() => AllJobs.All(j => CenterInstances.Job(second, j).Holding), null, TimeSpan.FromSeconds(2));
        }

        var before = planned.Count;
        await RunClockAsync(centers, second, TimeSpan.FromMinutes(2));
        Assert.True(CenterInstances.Job(second, Planning).Runs > 0);
        planned = await CenterInstances.ScheduledTasksAsync(second, tenantId);
        Assert.True(planned.Count > before, "no occurrence was planned after the handover");
        AssertOncePerOccurrence(planned);
        Assert.All(await CenterInstances.LeasesAsync(second), l => Assert.Equal(BackgroundLeasesInstanceId(second), l.Holder));
    }

    [Fact]
    public async Task An_instance_that_died_holding_the_work_is_replaced_once_its_lease_expires_and_the_jobs_keep_their_period()
    {
        await using var centers = await CenterInstances.CreateAsync();
        var first = centers.Start();
        await WaitUntilAsync(() => AllJobs.All(j => CenterInstances.Job(first, j).Holding), "the first instance never took its background jobs");
        await WaitUntilAsync(() => CenterInstances.Job(first, Retention).Runs == 1, "retention did not run at the first start"); // hourly; at once
        await centers.StopAsync(first);

        // What an instance that renewed its leases a moment ago and then died (no release) leaves in the database.
        var expires = (centers.Time.GetUtcNow() + BackgroundLeases.Duration).ToUnixTimeMilliseconds();
        Assert.Equal(AllJobs.Length, await centers.Database.ExecuteDirectAsync(
            $"UPDATE background_leases SET \"Holder\" = 'crashed-host/4242/deadbeef', \"ExpiresAtUnixMs\" = {expires}"));

        var second = centers.Start();
        var started = centers.Time.GetUtcNow();
        while (centers.Time.GetUtcNow() - started < BackgroundLeases.Duration - Step)
        {
            await centers.TickAsync(second, Step);
            await Task.Delay(200);
            Assert.All(AllJobs, j => Assert.False(CenterInstances.Job(second, j).Holding, $"{j} was taken while its holder's lease still ran"));
        }
        while (!AllJobs.All(j => CenterInstances.Job(second, j).Holding))
        {
            Assert.True(centers.Time.GetUtcNow() - started < TimeSpan.FromSeconds(30), "the dead instance's work was not taken over within 30 s");
            await centers.TickAsync(second, Step);
            await WaitUntilAsync(() => AllJobs.All(j => CenterInstances.Job(second, j).Holding), null, TimeSpan.FromSeconds(2));
        }

        // Planning is due 30 s after the dead instance's last run: within one more period, the new holder runs it.
        var takenAt = centers.Time.GetUtcNow();
        while (CenterInstances.Job(second, Planning).Runs == 0 && centers.Time.GetUtcNow() - takenAt <= TimeSpan.FromSeconds(30))
        {
            await centers.TickAsync(second, Step);
            await WaitUntilAsync(() => CenterInstances.Job(second, Planning).Runs > 0, null, TimeSpan.FromSeconds(1));
        }
        Assert.True(CenterInstances.Job(second, Planning).Runs > 0, "planning did not run after the takeover");
        // Retention ran an hour's period ago at most: the takeover does not run it again before it is due.
        Assert.Equal(0, CenterInstances.Job(second, Retention).Runs);
    }

    private static string BackgroundLeasesInstanceId(WebApplicationFactory<Program> instance) =>
        instance.Services.GetRequiredService<CenterInstance>().Id;

    /// <summary>Scheduled tasks are created by planning within 30 s of their occurrence (every minute): two in one
    /// minute would be one occurrence planned twice.</summary>
    private static void AssertOncePerOccurrence(List<DateTimeOffset> created)
    {
        var windows = created.Select(at => at.ToUnixTimeMilliseconds() / (long)TimeSpan.FromMinutes(1).TotalMilliseconds).ToList();
        Assert.Equal(windows.Count, windows.Distinct().Count());
    }

    private static async Task RunClockAsync(CenterInstances centers, WebApplicationFactory<Program> anyInstance, TimeSpan span)
    {
        var until = centers.Time.GetUtcNow() + span;
        while (centers.Time.GetUtcNow() < until)
        {
            await centers.TickAsync(anyInstance, Step);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string? failure, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.True(failure is null || condition(), failure);
    }
}

using Lightshield.Svm.Admission;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Svm.Tests.Admission;

public sealed class AdmissionControllerTests
{
    private static AdmissionController Create(int slots = 1, int onDemandCapacity = 8, int scheduledCapacity = 4, double tenantShare = 1.0,
        double runningShare = 0.5) =>
        new(Options.Create(new AdmissionOptions
        {
            MaxConcurrentScans = slots,
            OnDemandQueueCapacity = onDemandCapacity,
            ScheduledQueueCapacity = scheduledCapacity,
            MaxTenantQueueShare = tenantShare,
            MaxTenantRunningShare = runningShare,
        }), new FakeTimeProvider());

    [Fact]
    public async Task Exit_TenantOverItsRunningCapWhileAnotherWaits_SlotGoesToTheOtherTenant()
    {
        var admission = Create(slots: 4);
        var held = new List<AdmissionTicket>();
        for (var i = 0; i < 4; i++)
        {
            held.Add(await admission.EnterAsync(ScanPriority.OnAccess, "mass", CancellationToken.None)); // alone: every slot
        }
        var massNext = admission.EnterAsync(ScanPriority.OnAccess, "mass", CancellationToken.None).AsTask();
        var other = admission.EnterAsync(ScanPriority.Scheduled, "other", CancellationToken.None).AsTask();

        held[0].Dispose();

        // "mass" still runs 3 of 4 slots, over half: the freed slot goes to the other tenant, even to a lower class.
        (await other.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.False(massNext.IsCompleted, "the tenant over its running cap got the slot while another tenant waited");
        // Now nobody else waits: the capped tenant may use the slot.
        (await massNext.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(3, admission.RunningOf("mass"));
        held.Skip(1).ToList().ForEach(t => t.Dispose());
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task Exit_CappedTenantAndUncappedTenantsWait_ClassesStayStrictAmongTheUncapped()
    {
        var admission = Create(slots: 4);
        var held = new List<AdmissionTicket>();
        for (var i = 0; i < 4; i++)
        {
            held.Add(await admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None));
        }
        var order = new List<string>();
        var waits = new List<Task>
        {
            AdmitTenant(admission, ScanPriority.OnAccess, "mass", order, hold: true),
            AdmitTenant(admission, ScanPriority.Scheduled, "c", order),
            AdmitTenant(admission, ScanPriority.OnDemand, "b", order),
            AdmitTenant(admission, ScanPriority.OnAccess, "a", order),
        };
        held[0].Dispose();
        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));

        // One slot, passed on from scan to scan: "mass" runs 3 of 4, over its cap, so its on-access scan waits while the
        // others are served in strict class order; once nobody else waits, it gets the slot.
        Assert.Equal(["a", "b", "c", "mass"], order);
        Assert.Equal(4, admission.RunningOf("mass"));
    }

    [Fact]
    public async Task EnterAsync_TenantAlone_UsesEverySlotAndEveryFreedOne()
    {
        var admission = Create(slots: 4);
        var held = new List<AdmissionTicket>();
        for (var i = 0; i < 4; i++)
        {
            held.Add(await admission.EnterAsync(ScanPriority.OnDemand, "alone", CancellationToken.None));
        }
        var next = admission.EnterAsync(ScanPriority.OnDemand, "alone", CancellationToken.None).AsTask();
        Assert.False(next.IsCompleted);

        held[0].Dispose();

        held[0] = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, admission.RunningOf("alone"));
        held.ForEach(t => t.Dispose());
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task Exit_EveryWaitingTenantAtItsCap_SlotIsNotLeftIdle()
    {
        var admission = Create(slots: 3, runningShare: 0.34); // a cap of one scan per tenant while others wait
        var a = await admission.EnterAsync(ScanPriority.OnDemand, "a", CancellationToken.None);
        var b = await admission.EnterAsync(ScanPriority.OnDemand, "b", CancellationToken.None);
        var c = await admission.EnterAsync(ScanPriority.OnDemand, "c", CancellationToken.None);
        var aNext = admission.EnterAsync(ScanPriority.OnDemand, "a", CancellationToken.None).AsTask();
        var bNext = admission.EnterAsync(ScanPriority.OnDemand, "b", CancellationToken.None).AsTask();

        c.Dispose();

        // a and b each run their one scan and each has another waiting: the slot goes to one of them rather than to nobody.
        var first = await Task.WhenAny(aNext, bNext).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, admission.Running);
        (await first).Dispose();
        a.Dispose();
        b.Dispose();
        (await (first == aNext ? bNext : aNext).WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task EnterAsync_TenantAtItsShareOfOneClass_StillQueuesInTheOtherClasses()
    {
        var admission = Create(onDemandCapacity: 4, scheduledCapacity: 4, tenantShare: 0.5);
        using var holder = await admission.EnterAsync(ScanPriority.OnDemand, "other", CancellationToken.None);
        _ = admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None).AsTask();
        _ = admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None).AsTask();

        var refused = Assert.Throws<AdmissionRejectedException>(() => { _ = admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None).AsTask(); });
        Assert.Contains("share of the queue", refused.Message, StringComparison.Ordinal);

        // The quota is per class: the same tenant still has its share of the scheduled and on-access queues.
        Assert.False(admission.EnterAsync(ScanPriority.Scheduled, "mass", CancellationToken.None).AsTask().IsCompleted);
        Assert.False(admission.EnterAsync(ScanPriority.Scheduled, "mass", CancellationToken.None).AsTask().IsCompleted);
        Assert.Throws<AdmissionRejectedException>(() => { _ = admission.EnterAsync(ScanPriority.Scheduled, "mass", CancellationToken.None).AsTask(); });
        Assert.False(admission.EnterAsync(ScanPriority.OnAccess, "mass", CancellationToken.None).AsTask().IsCompleted);
        Assert.Equal((2, 2, 1), (admission.QueueDepth(ScanPriority.OnDemand), admission.QueueDepth(ScanPriority.Scheduled),
            admission.QueueDepth(ScanPriority.OnAccess)));
    }

    [Fact]
    public async Task EnterAsync_FreeSlot_AdmitsAtOnce()
    {
        var admission = Create(slots: 2);
        var first = admission.EnterAsync(ScanPriority.Scheduled, "a", CancellationToken.None).AsTask();
        var second = admission.EnterAsync(ScanPriority.Scheduled, "a", CancellationToken.None).AsTask();
        Assert.True(first.IsCompleted);
        Assert.True(second.IsCompleted);
        Assert.Equal(2, admission.Running);
        (await first).Dispose();
        (await second).Dispose();
        Assert.Equal(0, admission.Running);
    }

    [Fact]
    public async Task Exit_WaitersOfSeveralClasses_ServesOnAccessFirstThenOnDemandThenScheduled()
    {
        var admission = Create();
        var holder = await admission.EnterAsync(ScanPriority.OnDemand, "a", CancellationToken.None);
        var order = new List<ScanPriority>();
        var scheduled = Admit(admission, ScanPriority.Scheduled, "a", order);
        var onDemand = Admit(admission, ScanPriority.OnDemand, "a", order);
        var onAccess = Admit(admission, ScanPriority.OnAccess, "a", order);
        holder.Dispose();
        await Task.WhenAll(scheduled, onDemand, onAccess);
        Assert.Equal([ScanPriority.OnAccess, ScanPriority.OnDemand, ScanPriority.Scheduled], order);
    }

    [Fact]
    public async Task Exit_OneTenantWithManyQueued_AlternatesWithOtherTenant()
    {
        var admission = Create(onDemandCapacity: 100);
        var holder = await admission.EnterAsync(ScanPriority.OnDemand, "busy", CancellationToken.None);
        var served = new List<string>();
        var waits = new List<Task>();
        for (var i = 0; i < 5; i++)
        {
            waits.Add(AdmitTenant(admission, "busy", served));
        }
        waits.Add(AdmitTenant(admission, "quiet", served));
        holder.Dispose();
        await Task.WhenAll(waits);
        // The quiet tenant queued last but is served second: one turn per tenant per round.
        Assert.Equal("quiet", served[1]);
    }

    [Fact]
    public async Task EnterAsync_ScheduledQueueFull_RejectsWithRetryHint()
    {
        var admission = Create(scheduledCapacity: 2);
        using var holder = await admission.EnterAsync(ScanPriority.OnDemand, "a", CancellationToken.None);
        _ = admission.EnterAsync(ScanPriority.Scheduled, "a", CancellationToken.None).AsTask();
        _ = admission.EnterAsync(ScanPriority.Scheduled, "b", CancellationToken.None).AsTask();
        var rejected = Assert.Throws<AdmissionRejectedException>(() => { _ = admission.EnterAsync(ScanPriority.Scheduled, "c", CancellationToken.None).AsTask(); });
        Assert.Equal(ScanPriority.Scheduled, rejected.Priority);
        Assert.InRange(rejected.RetryAfter, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        // A higher class still gets in line while scheduled scans are refused.
        Assert.False(admission.EnterAsync(ScanPriority.OnAccess, "c", CancellationToken.None).AsTask().IsCompleted);
    }

    [Fact]
    public async Task EnterAsync_TenantOverItsQueueShare_RejectedWhileOtherTenantQueues()
    {
        var admission = Create(onDemandCapacity: 4, tenantShare: 0.5);
        using var holder = await admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None);
        _ = admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None).AsTask();
        _ = admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None).AsTask();
        Assert.Throws<AdmissionRejectedException>(() => { _ = admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None).AsTask(); });
        Assert.False(admission.EnterAsync(ScanPriority.OnDemand, "other", CancellationToken.None).AsTask().IsCompleted);
        Assert.Equal(3, admission.QueueDepth(ScanPriority.OnDemand));
    }

    [Fact]
    public async Task Exit_CancelledWaiter_PassesSlotToNextWaiter()
    {
        var admission = Create();
        var holder = await admission.EnterAsync(ScanPriority.OnDemand, "a", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = admission.EnterAsync(ScanPriority.OnDemand, "a", cancel.Token).AsTask();
        var next = admission.EnterAsync(ScanPriority.OnDemand, "b", CancellationToken.None).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        holder.Dispose();
        (await next.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(0, admission.Running);
    }

    private static async Task Admit(AdmissionController admission, ScanPriority priority, string tenant, List<ScanPriority> order)
    {
        using var ticket = await admission.EnterAsync(priority, tenant, CancellationToken.None);
        lock (order)
        {
            order.Add(priority);
        }
    }

    private static async Task AdmitTenant(AdmissionController admission, ScanPriority priority, string tenant, List<string> served, bool hold = false)
    {
        var ticket = await admission.EnterAsync(priority, tenant, CancellationToken.None);
        lock (served)
        {
            served.Add(tenant);
        }
        if (!hold)
        {
            ticket.Dispose();
        }
    }

    private static async Task AdmitTenant(AdmissionController admission, string tenant, List<string> served)
    {
        using var ticket = await admission.EnterAsync(ScanPriority.OnDemand, tenant, CancellationToken.None);
        lock (served)
        {
            served.Add(tenant);
        }
    }
}

using Lightshield.Svm.Admission;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Tests.Admission;

public sealed class AdmissionControllerTests
{
    private static AdmissionController Create(int slots = 1, int onDemandCapacity = 8, int scheduledCapacity = 4, double tenantShare = 1.0) =>
        new(Options.Create(new AdmissionOptions
        {
            MaxConcurrentScans = slots,
            OnDemandQueueCapacity = onDemandCapacity,
            ScheduledQueueCapacity = scheduledCapacity,
            MaxTenantQueueShare = tenantShare,
        }), TimeProvider.System);

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

    private static async Task AdmitTenant(AdmissionController admission, string tenant, List<string> served)
    {
        using var ticket = await admission.EnterAsync(ScanPriority.OnDemand, tenant, CancellationToken.None);
        lock (served)
        {
            served.Add(tenant);
        }
    }
}

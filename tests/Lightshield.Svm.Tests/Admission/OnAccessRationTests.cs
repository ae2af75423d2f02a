using Lightshield.Svm.Admission;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Svm.Tests.Admission;

public sealed class OnAccessRationTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _demotions = [];

    private OnAccessRation Create(int slots = 4, double share = 0.5, double rate = 1000, int burst = 1000)
    {
        var ration = new OnAccessRation(Options.Create(new AdmissionOptions
        {
            MaxConcurrentScans = slots,
            MaxTenantOnAccessShare = share,
            TenantOnAccessRate = rate,
            TenantOnAccessBurst = burst,
        }), _time, NullLogger<OnAccessRation>.Instance);
        ration.Demoted = _demotions.Add;
        return ration;
    }

    [Fact]
    public void Claim_OnAccessBeyondTheTenantsShareInFlight_IsDemotedToOnDemandAndCounted()
    {
        var ration = Create(slots: 4, share: 0.5);
        using var first = ration.Claim(ScanPriority.OnAccess, "a");
        using var second = ration.Claim(ScanPriority.OnAccess, "a");
        using var third = ration.Claim(ScanPriority.OnAccess, "a");
        using var otherTenant = ration.Claim(ScanPriority.OnAccess, "b");

        Assert.Equal([ScanPriority.OnAccess, ScanPriority.OnAccess, ScanPriority.OnDemand, ScanPriority.OnAccess],
            [first.Priority, second.Priority, third.Priority, otherTenant.Priority]);
        Assert.Equal([OnAccessRation.InFlightReason], _demotions);
        Assert.Equal(2, ration.InFlight("a"));

        first.Dispose();
        first.Dispose(); // once only
        Assert.Equal(1, ration.InFlight("a"));
        using var again = ration.Claim(ScanPriority.OnAccess, "a");
        Assert.Equal(ScanPriority.OnAccess, again.Priority);
    }

    [Fact]
    public void Claim_OnAccessFasterThanTheTenantsRate_IsDemotedUntilTheBucketRefills()
    {
        var ration = Create(rate: 2, burst: 3);
        var priorities = new List<ScanPriority>();
        for (var i = 0; i < 5; i++)
        {
            using var claim = ration.Claim(ScanPriority.OnAccess, "a");
            priorities.Add(claim.Priority);
        }
        Assert.Equal([ScanPriority.OnAccess, ScanPriority.OnAccess, ScanPriority.OnAccess, ScanPriority.OnDemand, ScanPriority.OnDemand],
            priorities);
        Assert.Equal([OnAccessRation.RateReason, OnAccessRation.RateReason], _demotions);

        _time.Advance(TimeSpan.FromSeconds(0.5)); // one token at 2 per second
        using (var refilled = ration.Claim(ScanPriority.OnAccess, "a"))
        {
            Assert.Equal(ScanPriority.OnAccess, refilled.Priority);
        }
        using var empty = ration.Claim(ScanPriority.OnAccess, "a");
        Assert.Equal(ScanPriority.OnDemand, empty.Priority);
        using var otherTenant = ration.Claim(ScanPriority.OnAccess, "b");
        Assert.Equal(ScanPriority.OnAccess, otherTenant.Priority);
    }

    [Fact]
    public void Claim_OtherClasses_AreKeptAndCostNothing()
    {
        var ration = Create(slots: 1, rate: 0.01, burst: 1);
        using var scheduled = ration.Claim(ScanPriority.Scheduled, "a");
        using var onDemand = ration.Claim(ScanPriority.OnDemand, "a");
        using var onAccess = ration.Claim(ScanPriority.OnAccess, "a");
        Assert.Equal((ScanPriority.Scheduled, ScanPriority.OnDemand, ScanPriority.OnAccess), (scheduled.Priority, onDemand.Priority, onAccess.Priority));
        Assert.Empty(_demotions);
    }

    [Fact]
    public async Task DemotedClaims_QueueBehindAnotherTenantsOnAccessScan()
    {
        var options = Options.Create(new AdmissionOptions { MaxConcurrentScans = 2, MaxTenantOnAccessShare = 0.5, MaxTenantRunningShare = 1.0 });
        var ration = new OnAccessRation(options, _time, NullLogger<OnAccessRation>.Instance);
        var admission = new AdmissionController(options, _time);
        using var first = ration.Claim(ScanPriority.OnAccess, "mass");
        using var second = ration.Claim(ScanPriority.OnAccess, "mass");
        var running = await admission.EnterAsync(first.Priority, "mass", CancellationToken.None);
        using var running2 = await admission.EnterAsync(ScanPriority.OnDemand, "mass", CancellationToken.None);
        var massWaits = admission.EnterAsync(second.Priority, "mass", CancellationToken.None).AsTask();
        using var victim = ration.Claim(ScanPriority.OnAccess, "victim");
        var victimWaits = admission.EnterAsync(victim.Priority, "victim", CancellationToken.None).AsTask();

        running.Dispose();

        // "mass" claimed on-access twice but got it once: its second claim is on-demand, behind the victim's on-access scan.
        (await victimWaits.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        (await massWaits.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(ScanPriority.OnDemand, second.Priority);
    }
}

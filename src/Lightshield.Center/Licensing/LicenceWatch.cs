using Lightshield.Center.Coordination;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Licensing;

/// <summary>Evaluates every tenant's licence state at <see cref="LicensingOptions.CheckInterval"/>, on one center
/// instance: an expiry or an agent falling silent changes the state without any request.</summary>
public sealed class LicenceWatch(LicenceEvaluator evaluator, IOptions<LicensingOptions> options, BackgroundLeases leases, TimeProvider time,
    ILogger<LicenceWatch> logger) : ExclusiveBackgroundJob(leases, time, logger)
{
    public override string Job => "licence-evaluation";

    protected override TimeSpan Period => options.Value.CheckInterval;

    /// <summary>Enrolments and licence changes evaluate their tenant themselves; the watch is for time passing.</summary>
    protected override bool RunsAtFirstStart => false;

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => evaluator.EvaluateAllAsync(cancellationToken);
}

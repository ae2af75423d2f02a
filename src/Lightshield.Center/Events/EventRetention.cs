using Lightshield.Center.Coordination;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Events;

/// <summary>Deletes events past their retention, hourly, on one center instance; a single set-based delete per run (system scope: it
/// reads no content, only ages).</summary>
public sealed class EventRetention(IServiceScopeFactory scopes, IOptions<EventRetentionOptions> options, BackgroundLeases leases, TimeProvider time,
    ILogger<EventRetention> logger) : ExclusiveBackgroundJob(leases, time, logger)
{
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = (Time.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        return await db.AgentEvents.Where(e => e.ReceivedAtUnixMs < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    public override string Job => "event-retention";

    protected override TimeSpan Period => TimeSpan.FromHours(1);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => PurgeAsync(cancellationToken);
}

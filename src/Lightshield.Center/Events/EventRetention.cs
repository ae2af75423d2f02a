using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Events;

/// <summary>Deletes events past their retention, hourly; a single set-based delete per run (system scope: it
/// reads no content, only ages).</summary>
public sealed class EventRetention(IServiceScopeFactory scopes, IOptions<EventRetentionOptions> options, TimeProvider time,
    ILogger<EventRetention> logger) : BackgroundService
{
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        return await db.AgentEvents.Where(e => e.ReceivedAtUnixMs < cutoff).ExecuteDeleteAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                EventLog.PurgeFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

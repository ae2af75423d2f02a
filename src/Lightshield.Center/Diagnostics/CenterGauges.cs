using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Diagnostics;

/// <summary>Counts the scan servers up and the agents seen recently every <see cref="Period"/> (on the center's clock), in
/// a system scope, for <see cref="CenterMetrics"/>' gauges: a scrape never runs a query, and the figures are totals only.</summary>
public sealed partial class CenterGauges(IServiceScopeFactory scopes, CenterMetrics metrics, IOptions<IntegrationOptions> options, TimeProvider time,
    ILogger<CenterGauges> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(30);

    /// <summary>Counts now.</summary>
    public async Task CountAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var serversAfter = now - options.Value.DownAfter;
        var agentsAfter = now - (3 * options.Value.SyncInterval);
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        metrics.Counted(await db.ScanServers.CountAsync(s => s.LastSeenAt > serversAfter, cancellationToken),
            await db.AgentStatuses.CountAsync(s => s.LastSeenAt > agentsAfter, cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        do
        {
            try
            {
                await CountAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogCountFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Counting scan servers and agents for the metrics failed; trying again at the next tick")]
    private static partial void LogCountFailed(ILogger logger, Exception exception);
}

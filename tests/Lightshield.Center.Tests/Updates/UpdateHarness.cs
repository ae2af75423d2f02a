using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Tests.Updates;

/// <summary>The center's real update services (mirror, rollouts, leases, distribution) on the fixture's database and
/// fake clock, with update settings of the test's choosing, each call in a provider scope as the gRPC gateway runs it.</summary>
internal sealed class UpdateHarness<TDatabase>(CenterFixture<TDatabase> center, UpdateOptions options) where TDatabase : TestDatabase, new()
{
    public UpdateOptions Options { get; } = options;

    public async Task<T> RunAsync<T>(Func<UpdateServices, Task<T>> action)
    {
        await using var scope = center.Scope(TenantScope.Provider);
        var services = scope.ServiceProvider;
        services.GetRequiredService<CurrentActor>().Name = "user:simulation";
        var db = services.GetRequiredService<CenterDbContext>();
        var options = Microsoft.Extensions.Options.Options.Create(Options);
        var rollouts = new UpdateRollouts(db, services.GetRequiredService<AuditLog>(), services.GetRequiredService<CurrentActor>(), center.Time,
            options, services.GetRequiredService<IOptions<IntegrationOptions>>());
        var leases = new UpdateDownloadLeases(db, options, center.Time);
        var distribution = new UpdateDistribution(db, rollouts, leases, services.GetRequiredService<UpdateStore>(), center.Time, options);
        var mirror = new UpdateMirror(db, services.GetRequiredService<UpdateStore>(), services.GetRequiredService<AuditLog>(),
            services.GetRequiredService<CurrentActor>(), center.Time, options);
        return await action(new UpdateServices(db, mirror, rollouts, leases, distribution));
    }

    /// <summary>Registers <paramref name="ids"/> as scan servers that heartbeat now.</summary>
    public Task RegisterAsync(IEnumerable<string> ids) => RunAsync(async s =>
    {
        foreach (var id in ids)
        {
            s.Db.ScanServers.Add(new ScanServer
            {
                Id = id,
                Address = $"https://{id}:7443",
                CertificateSha256 = "",
                HypervisorHost = $"hv-{id}",
                Segment = "default",
                Capacity = 4,
                EngineVersion = "1.4.3",
                DatabaseVersion = "",
                RegisteredAt = center.Time.GetUtcNow(),
                LastSeenAt = center.Time.GetUtcNow(),
            });
        }
        return await s.Db.SaveChangesAsync();
    });

    /// <summary>Every scan server of <paramref name="ids"/> heartbeats now.</summary>
    public Task HeartbeatAsync(IReadOnlyCollection<string> ids)
    {
        var now = center.Time.GetUtcNow();
        return RunAsync(s => s.Db.ScanServers.Where(server => ids.Contains(server.Id))
            .ExecuteUpdateAsync(u => u.SetProperty(server => server.LastSeenAt, now)));
    }
}

internal sealed record UpdateServices(CenterDbContext Db, UpdateMirror Mirror, UpdateRollouts Rollouts, UpdateDownloadLeases Leases,
    UpdateDistribution Distribution);

using Lightshield.Center.Agents;
using Lightshield.Center.Coordination;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Policies;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Center.Tests.Coordination;

/// <summary>Several real center hosts on one fresh PostgreSQL database and one fake clock, started and stopped by the
/// test: what a deployment behind a load balancer runs, in one process.</summary>
public sealed class CenterInstances : IAsyncDisposable
{
    private readonly PostgresTestDatabase _database = new();
    private readonly List<WebApplicationFactory<Program>> _running = [];

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public PostgresTestDatabase Database => _database;

    public static async Task<CenterInstances> CreateAsync()
    {
        var instances = new CenterInstances();
        await instances._database.InitializeAsync();
        return instances;
    }

    /// <summary>Starts one more instance (migrations run by the first find nothing to do for the others), with
    /// <paramref name="settings"/> added to its configuration.</summary>
    public WebApplicationFactory<Program> Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Center:Database:Provider"] = _database.Provider,
                ["Center:Database:ConnectionString"] = _database.ConnectionString,
                ["Center:DataDirectory"] = Path.GetTempPath(),
                ["Center:Bootstrap:AdminUserName"] = "root",
                ["Center:Bootstrap:AdminPassword"] = "bootstrap-password-for-tests",
                ["Logging:LogLevel:Default"] = "Warning",
            }).AddInMemoryCollection(settings ?? new Dictionary<string, string?>()));
            web.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
        });
        _ = factory.Server;
        _running.Add(factory);
        return factory;
    }

    /// <summary>Stops <paramref name="instance"/> the way a host stops (its background services end, leases released).</summary>
    public async Task StopAsync(WebApplicationFactory<Program> instance)
    {
        _running.Remove(instance);
        await instance.DisposeAsync();
    }

    /// <summary>The instance's background jobs that run on one instance only.</summary>
    public static IReadOnlyList<ExclusiveBackgroundJob> Jobs(WebApplicationFactory<Program> instance) =>
        [.. instance.Services.GetServices<IHostedService>().OfType<ExclusiveBackgroundJob>()];

    public static ExclusiveBackgroundJob Job(WebApplicationFactory<Program> instance, string name) => Jobs(instance).Single(j => j.Job == name);

    /// <summary>The lease rows, as the database holds them.</summary>
    public static async Task<List<BackgroundLease>> LeasesAsync(WebApplicationFactory<Program> anyInstance)
    {
        await using var scope = anyInstance.Services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope();
        return await scope.ServiceProvider.GetRequiredService<CenterDbContext>().BackgroundLeases.AsNoTracking().ToListAsync();
    }

    /// <summary>Moves the clock on by <paramref name="step"/> (at most one lease check, so a holder that is alive always
    /// renews before another instance may take over) and waits until every lease a running instance holds was renewed
    /// at the new time and every job due then has run: the fake clock never races ahead of a slow run.</summary>
    public async Task TickAsync(WebApplicationFactory<Program> anyInstance, TimeSpan step)
    {
        Assert.True(step <= BackgroundLeases.CheckInterval, "a step longer than a lease check would let a live lease expire");
        Time.Advance(step);
        var nowMs = Time.GetUtcNow().ToUnixTimeMilliseconds();
        var renewedTo = (Time.GetUtcNow() + BackgroundLeases.Duration).ToUnixTimeMilliseconds();
        var live = _running.Select(i => i.Services.GetRequiredService<CenterInstance>().Id).ToHashSet();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await LeasesAsync(anyInstance)).Any(l => live.Contains(l.Holder) && (l.ExpiresAtUnixMs < renewedTo || l.NextRunAtUnixMs <= nowMs))
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }

    /// <summary>A tenant with one agent group whose policy schedules a memory scan every <paramref name="everyMinutes"/>
    /// minutes, made through the center's own services.</summary>
    public static async Task<(Guid TenantId, Guid GroupId)> TenantWithScheduleAsync(WebApplicationFactory<Program> instance, int everyMinutes)
    {
        var scopes = instance.Services.GetRequiredService<IServiceScopeFactory>();
        Guid tenantId;
        await using (var provider = scopes.CreateScope(TenantScope.Provider))
        {
            provider.ServiceProvider.GetRequiredService<Lightshield.Center.Identity.CurrentActor>().Name = "test";
            var created = await provider.ServiceProvider.GetRequiredService<TenantAdministration>()
                .CreateAsync($"t-{Guid.NewGuid():N}"[..12], null, "UTC", "admin", default);
            tenantId = created.Tenant!.Id;
        }
        await using var scope = scopes.CreateScope(TenantScope.ForTenant(tenantId));
        scope.ServiceProvider.GetRequiredService<Lightshield.Center.Identity.CurrentActor>().Name = "test";
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var group = new AgentGroup { Id = Guid.NewGuid(), TenantId = tenantId, Name = "fleet", CreatedAt = instance.Services.GetRequiredService<TimeProvider>().GetUtcNow() };
        db.AgentGroups.Add(group);
        await db.SaveChangesAsync();
        var policies = scope.ServiceProvider.GetRequiredService<GroupPolicies>();
        var policy = (await policies.GetOrCreateAsync(group.Id, default))!;
        var document = new PolicyDocument
        {
            Schedules = [new ScanSchedule { Name = "often", Cron = $"*/{everyMinutes} * * * *", Kind = ScheduledScanKind.MemoryScan, SpreadMinutes = 0 }],
        };
        await policies.ReplaceAsync(policy, PolicyJson.Serialize(document), default);
        return (tenantId, group.Id);
    }

    /// <summary>The scheduled tasks of <paramref name="tenantId"/>, as (schedule, created at).</summary>
    public static async Task<List<DateTimeOffset>> ScheduledTasksAsync(WebApplicationFactory<Program> instance, Guid tenantId)
    {
        await using var scope = instance.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(tenantId));
        return await scope.ServiceProvider.GetRequiredService<CenterDbContext>().ScanTasks.AsNoTracking().Where(t => t.Scheduled)
            .Select(t => t.CreatedAt).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _running)
        {
            await instance.DisposeAsync();
        }
        await _database.DisposeAsync();
    }
}

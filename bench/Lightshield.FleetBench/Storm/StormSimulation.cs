using Lightshield.Center.Hosting;
using Lightshield.Center.Persistence;
using Lightshield.Center.Scheduling;
using Lightshield.Center.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.FleetBench.Storm;

/// <summary>
/// Plays a scheduled-scan storm on the center's real code, driven by a fake clock in 10-second steps: each VM's start
/// is the schedule's minute plus <see cref="ScanSpread.OffsetFor"/> (what <c>ScheduledScanPlanner</c> gives each
/// agent run), and a VM may start only with a lease from <see cref="HostScanLeases"/> (a real center service on its
/// own SQLite database, defaults of <see cref="SchedulingOptions"/>: cap per host, retry hint, lease renewed every
/// minute while scanning, released at the end). The scan servers are modelled: a scan in progress needs its remaining
/// slot-minutes, and a host's server shares its slots equally among its scans in progress.
/// </summary>
internal static class StormSimulation
{
    public const string ScheduleName = "nightly";
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    public static readonly StormVariant[] Variants =
    [
        new("all at the scheduled minute, no cap", Spread: false, Cap: false),
        new("spread only", Spread: true, Cap: false),
        new("per-host cap only", Spread: false, Cap: true),
        new("Lightshield: spread + per-host cap", Spread: true, Cap: true),
    ];

    public static async Task<StormOutcome> RunAsync(StormSpec spec, StormVariant variant, CancellationToken cancellationToken)
    {
        var scheduled = new DateTimeOffset(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(scheduled);
        var directory = Directory.CreateTempSubdirectory("lightshield-storm-");
        try
        {
            await using var center = await StartCenterAsync(directory.FullName, time, cancellationToken);
            var options = center.Services.GetRequiredService<IOptions<SchedulingOptions>>().Value;
            var random = new Random(spec.Seed);
            var window = TimeSpan.FromMinutes(variant.Spread ? spec.SpreadMinutes : 0);
            var vms = Enumerable.Range(0, spec.Vms).Select(i =>
            {
                var id = new Guid([.. Enumerable.Range(0, 16).Select(_ => (byte)random.Next(256))]);
                return new Vm(id, $"host-{i % spec.Hosts}", scheduled + ScanSpread.OffsetFor(id, ScheduleName, window), spec.ScanMinutes);
            }).ToList();
            var taskId = Guid.NewGuid().ToString();
            var peakScans = 0;
            var peakQueue = 0;
            var queuedSlotMinutes = 0.0;
            while (vms.Any(v => v.DoneAt is null))
            {
                var now = time.GetUtcNow();
                await using (var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope())
                {
                    var leases = scope.ServiceProvider.GetRequiredService<HostScanLeases>();
                    foreach (var vm in vms.Where(v => v.StartedAt is null && v.NotBefore <= now && v.RetryAt <= now))
                    {
                        if (!variant.Cap)
                        {
                            vm.StartedAt = now;
                            continue;
                        }
                        var lease = await leases.AcquireAsync(vm.Host, vm.Id, taskId, cancellationToken);
                        if (lease.Granted)
                        {
                            (vm.StartedAt, vm.Lease, vm.RenewAt) = (now, lease.LeaseId, now + TimeSpan.FromMinutes(1));
                        }
                        else
                        {
                            vm.RetryAt = now + lease.RetryAfter;
                        }
                    }
                    foreach (var vm in vms.Where(v => v is { StartedAt: not null, DoneAt: null, Lease: not null } && v.RenewAt <= now))
                    {
                        var renewed = await leases.AcquireAsync(vm.Host, vm.Id, taskId, cancellationToken);
                        vm.RenewAt = renewed.Granted ? now + TimeSpan.FromMinutes(1)
                            : throw new InvalidOperationException($"the lease of a running scan on {vm.Host} was not renewed");
                    }
                    foreach (var host in vms.Where(v => v is { StartedAt: not null, DoneAt: null }).GroupBy(v => v.Host))
                    {
                        var running = host.ToList();
                        peakScans = Math.Max(peakScans, running.Count);
                        var waiting = Math.Max(0, running.Count - spec.ServerSlots);
                        peakQueue = Math.Max(peakQueue, waiting);
                        queuedSlotMinutes += waiting * Step.TotalMinutes;
                        var share = Math.Min(1.0, (double)spec.ServerSlots / running.Count);
                        foreach (var vm in running)
                        {
                            vm.RemainingMinutes -= share * Step.TotalMinutes;
                            if (vm.RemainingMinutes <= 1e-9)
                            {
                                vm.DoneAt = now + Step;
                                if (vm.Lease is { } lease && !await leases.ReleaseAsync(lease, vm.Id, cancellationToken))
                                {
                                    throw new InvalidOperationException($"the lease of a finished scan on {vm.Host} was not held");
                                }
                            }
                        }
                    }
                }
                if (variant.Cap && peakScans > options.MaxFullScansPerHost)
                {
                    throw new InvalidOperationException($"{peakScans} scans ran at once on a host, above the cap of {options.MaxFullScansPerHost}");
                }
                time.Advance(Step);
            }
            var durations = vms.Select(v => (v.DoneAt!.Value - v.StartedAt!.Value).TotalMinutes).Order().ToList();
            return new StormOutcome(variant.Name, variant.Cap ? options.MaxFullScansPerHost : 0, peakScans, peakQueue, queuedSlotMinutes,
                (vms.Max(v => v.DoneAt!.Value) - scheduled).TotalMinutes, durations[durations.Count / 2], durations[^1]);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The center's services on a fresh SQLite database, migrated, with the fake clock; nothing is started
    /// (no listener, no background planner): the simulation calls the services itself.</summary>
    private static async Task<WebApplication> StartCenterAsync(string directory, TimeProvider time, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Center:Database:Provider"] = DatabaseProviders.Sqlite,
            ["Center:Database:ConnectionString"] = $"Data Source={Path.Combine(directory, "center.db")}",
            ["Center:DataDirectory"] = directory,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Services.AddSingleton(time);
        builder.AddCenter();
        var app = builder.Build();
        await using var scope = app.Services.GetRequiredService<IServiceScopeFactory>().CreateSystemScope();
        await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
        return app;
    }

    private sealed class Vm(Guid id, string host, DateTimeOffset notBefore, double work)
    {
        public Guid Id { get; } = id;

        public string Host { get; } = host;

        public DateTimeOffset NotBefore { get; } = notBefore;

        public double RemainingMinutes { get; set; } = work;

        public DateTimeOffset RetryAt { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? DoneAt { get; set; }

        public DateTimeOffset RenewAt { get; set; }

        public Guid? Lease { get; set; }
    }
}

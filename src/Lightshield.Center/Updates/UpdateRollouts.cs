using System.Security.Cryptography;
using System.Text;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Updates;

/// <summary>
/// The staged rollout: <see cref="PromoteAsync"/> sends a version to the canary scan servers (a deterministic share of
/// those up: the lowest SHA-256 of their ids), the others stay on the baseline; once every canary has reported running
/// it for the soak time, <see cref="AdvanceAsync"/> sends it to all. A canary that fails to load it halts the rollout.
/// <see cref="RollbackAsync"/> is a rollout of the baseline, the same way.
/// </summary>
public sealed class UpdateRollouts(CenterDbContext db, AuditLog audit, CurrentActor actor, TimeProvider time,
    IOptions<UpdateOptions> options, IOptions<IntegrationOptions> integration)
{
    private readonly UpdateOptions _options = options.Value;

    public async Task<UpdateRollout?> CurrentAsync(CancellationToken cancellationToken) =>
        await db.Set<UpdateRollout>().AsNoTracking().OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);

    public async Task<IReadOnlyList<UpdateRollout>> HistoryAsync(CancellationToken cancellationToken) =>
        await db.Set<UpdateRollout>().AsNoTracking().OrderByDescending(r => r.Id).Take(100).ToListAsync(cancellationToken);

    /// <summary>Starts a rollout of <paramref name="versionId"/>.</summary>
    /// <exception cref="UpdateRolloutException">No such version, or it is the one being rolled out already.</exception>
    public async Task<UpdateRollout> PromoteAsync(long versionId, CancellationToken cancellationToken)
    {
        if (!await db.Set<UpdateVersion>().AnyAsync(v => v.Id == versionId, cancellationToken))
        {
            throw new UpdateRolloutException($"there is no update version {versionId}", notFound: true);
        }
        var current = await CurrentAsync(cancellationToken);
        if (current is not null && current.TargetVersionId == versionId)
        {
            throw new UpdateRolloutException($"version {versionId} is being rolled out already (rollout {current.Id}, phase {current.Phase})");
        }
        return await StartAsync(UpdateRolloutKinds.Promote, versionId, FleetVersion(current), cancellationToken);
    }

    /// <summary>Returns the fleet to the version it ran before the current rollout, through the canaries again.</summary>
    /// <exception cref="UpdateRolloutException">Nothing to roll back to.</exception>
    public async Task<UpdateRollout> RollbackAsync(CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        if (current?.BaselineVersionId is not { } previous)
        {
            throw new UpdateRolloutException("nothing to roll back to: no version ran on the whole fleet before the current rollout");
        }
        // Still in canary (or halted): only the canaries left the previous version, so the others keep it.
        var baseline = current.Phase == UpdateRolloutPhases.Full ? current.TargetVersionId : previous;
        return await StartAsync(UpdateRolloutKinds.Rollback, previous, baseline, cancellationToken);
    }

    private static long? FleetVersion(UpdateRollout? current) =>
        current is null ? null : current.Phase == UpdateRolloutPhases.Full ? current.TargetVersionId : current.BaselineVersionId;

    private async Task<UpdateRollout> StartAsync(string kind, long target, long? baseline, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var up = (await db.ScanServers.AsNoTracking().Select(s => new { s.Id, s.LastSeenAt }).ToListAsync(cancellationToken))
            .Where(s => !ScanServerHealth.IsDown(s.LastSeenAt, now, integration.Value.DownAfter)).Select(s => s.Id).ToList();
        var canaries = ChooseCanaries(up, _options.CanaryPercent, _options.MinCanaries);
        var rollout = new UpdateRollout
        {
            Kind = kind,
            TargetVersionId = target,
            BaselineVersionId = baseline == target ? null : baseline,
            CanaryServerIds = string.Join('\n', canaries),
            // No canary (no server up, or a canary share of 0): straight to all.
            Phase = canaries.Count == 0 ? UpdateRolloutPhases.Full : UpdateRolloutPhases.Canary,
            FullAt = canaries.Count == 0 ? now : null,
            StartedAt = now,
            StartedBy = actor.Name,
        };
        if (baseline == target)
        {
            // A rollback during the canary phase: every server goes (back) to the target.
            rollout.Phase = UpdateRolloutPhases.Full;
            rollout.FullAt = now;
        }
        db.Set<UpdateRollout>().Add(rollout);
        audit.Record($"update.{kind}", $"update-version/{target}", new { baseline, canaries, rollout.Phase });
        await db.SaveChangesAsync(cancellationToken);
        return rollout;
    }

    /// <summary>The canaries: <paramref name="percent"/> % of <paramref name="servers"/> (rounded up), at least
    /// <paramref name="minimum"/>, those with the lowest SHA-256 of their id: the same servers for the same fleet.</summary>
    public static IReadOnlyList<string> ChooseCanaries(IReadOnlyCollection<string> servers, int percent, int minimum)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var count = Math.Min(servers.Count, Math.Max(minimum, (int)Math.Ceiling(servers.Count * percent / 100.0)));
        return [.. servers.OrderBy(id => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(id))), StringComparer.Ordinal)
            .Take(count).Order(StringComparer.Ordinal)];
    }

    /// <summary>Moves the current rollout on: to all when every canary has run the target for the soak time, to
    /// halted when a canary failed with it. Conditional updates, so two instances advancing at once agree.</summary>
    public async Task<UpdateRollout?> AdvanceAsync(CancellationToken cancellationToken)
    {
        var current = await CurrentAsync(cancellationToken);
        if (current is null || current.Phase != UpdateRolloutPhases.Canary)
        {
            return current;
        }
        var canaries = current.Canaries();
        var states = await db.Set<ScanServerUpdateState>().AsNoTracking().Where(s => canaries.Contains(s.ServerId)).ToListAsync(cancellationToken);
        var failed = states.FirstOrDefault(s => s.State == ScanServerUpdateStates.Failed && s.FailedVersionId == current.TargetVersionId);
        var now = time.GetUtcNow();
        if (failed is not null)
        {
            var reason = $"canary {failed.ServerId}: {failed.LastError}";
            await db.Set<UpdateRollout>().Where(r => r.Id == current.Id && r.Phase == UpdateRolloutPhases.Canary)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.Phase, UpdateRolloutPhases.Halted)
                    .SetProperty(r => r.HaltReason, reason.Length > 1000 ? reason[..1000] : reason), cancellationToken);
            return await CurrentAsync(cancellationToken);
        }
        var soaked = states.Count == canaries.Count && states.All(s => s.RunningVersionId == current.TargetVersionId
            && s.State == ScanServerUpdateStates.Current && s.RunningSince is { } since && now - since >= _options.SoakTime);
        if (!soaked || !await CanariesUpAsync(canaries, now, cancellationToken))
        {
            return current;
        }
        await db.Set<UpdateRollout>().Where(r => r.Id == current.Id && r.Phase == UpdateRolloutPhases.Canary)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Phase, UpdateRolloutPhases.Full).SetProperty(r => r.FullAt, now), cancellationToken);
        return await CurrentAsync(cancellationToken);
    }

    private async Task<bool> CanariesUpAsync(IReadOnlySet<string> canaries, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var seen = await db.ScanServers.AsNoTracking().Where(s => canaries.Contains(s.Id)).Select(s => s.LastSeenAt).ToListAsync(cancellationToken);
        return seen.Count == canaries.Count && seen.All(at => !ScanServerHealth.IsDown(at, now, integration.Value.DownAfter));
    }

    /// <summary>The version <paramref name="serverId"/> should run under <paramref name="rollout"/>; null: keep what it has.</summary>
    public static long? TargetFor(UpdateRollout? rollout, string serverId)
    {
        if (rollout is null)
        {
            return null;
        }
        return rollout.Phase == UpdateRolloutPhases.Full || rollout.Canaries().Contains(serverId)
            ? rollout.TargetVersionId
            : rollout.BaselineVersionId;
    }
}

/// <summary>A promotion or rollback that cannot start; the message says why.</summary>
public sealed class UpdateRolloutException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}

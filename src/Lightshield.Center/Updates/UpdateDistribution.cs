using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Updates;

/// <summary>What a scan server reports at an update check.</summary>
/// <param name="RunningVersionId">The center version it runs; null for a database of its own.</param>
/// <param name="FailedVersionId">The version its last attempt failed with (download refused, engine did not load), if any.</param>
public sealed record UpdateCheckReport(string ServerId, long? RunningVersionId, bool Downloading, long? FailedVersionId, string? Error);

/// <summary>The center's answer: the version to run (null: keep the database you have) and its files.</summary>
public sealed record UpdateCheckAnswer(long? TargetVersionId, string? DatabaseVersion, IReadOnlyList<UpdateManifestFile> Files, TimeSpan PollInterval);

/// <summary>A file of the manifest: the scan server fetches it when it has no content with this SHA-256.</summary>
public sealed record UpdateManifestFile(string Name, string Sha256, long Length);

/// <summary>
/// The update service the scan servers call (through <c>ScanServerGateway</c>): record what a server runs, tell it the
/// version the rollout wants it on with that version's manifest, and serve file content to holders of a download lease.
/// </summary>
public sealed class UpdateDistribution(CenterDbContext db, UpdateRollouts rollouts, UpdateDownloadLeases leases, UpdateStore store,
    TimeProvider time, IOptions<UpdateOptions> options)
{
    public async Task<UpdateCheckAnswer> CheckAsync(UpdateCheckReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rollout = await rollouts.AdvanceAsync(cancellationToken);
        var target = UpdateRollouts.TargetFor(rollout, report.ServerId);
        await RecordAsync(report, target, cancellationToken);
        if (target is null)
        {
            return new UpdateCheckAnswer(null, null, [], options.Value.PollInterval);
        }
        var version = await db.Set<UpdateVersion>().AsNoTracking().FirstAsync(v => v.Id == target, cancellationToken);
        var files = await db.Set<UpdateVersionFile>().AsNoTracking().Where(f => f.VersionId == target && f.Distributed)
            .Select(f => new UpdateManifestFile(f.Name, f.Sha256, f.Length)).ToListAsync(cancellationToken);
        return new UpdateCheckAnswer(target, version.DatabaseVersion, [.. files.OrderBy(f => f.Name, StringComparer.Ordinal)],
            options.Value.PollInterval);
    }

    private async Task RecordAsync(UpdateCheckReport report, long? target, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var state = await db.Set<ScanServerUpdateState>().FirstOrDefaultAsync(s => s.ServerId == report.ServerId, cancellationToken);
        if (state is null)
        {
            state = new ScanServerUpdateState { ServerId = report.ServerId, State = ScanServerUpdateStates.Current };
            db.Set<ScanServerUpdateState>().Add(state);
        }
        if (state.RunningVersionId != report.RunningVersionId || state.RunningSince is null)
        {
            state.RunningSince = report.RunningVersionId is null ? null : now;
        }
        state.RunningVersionId = report.RunningVersionId;
        state.TargetVersionId = target;
        state.FailedVersionId = report.FailedVersionId;
        state.LastError = report.Error is { Length: > 1000 } error ? error[..1000] : report.Error;
        state.State = report.FailedVersionId is not null && report.FailedVersionId == target ? ScanServerUpdateStates.Failed
            : report.Downloading ? ScanServerUpdateStates.Downloading
            : ScanServerUpdateStates.Current;
        state.LastCheckAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (db.ChangeTracker.Entries<ScanServerUpdateState>().Any(e => e.State == EntityState.Added))
        {
            // Two first checks of one server raced (two center instances): the other one recorded it; the next check updates it.
            db.ChangeTracker.Clear();
        }
    }

    public Task<DownloadLease> AcquireLeaseAsync(string serverId, CancellationToken cancellationToken) =>
        leases.AcquireAsync(serverId, cancellationToken);

    public Task<bool> ReleaseLeaseAsync(Guid leaseId, string serverId, CancellationToken cancellationToken) =>
        leases.ReleaseAsync(leaseId, serverId, cancellationToken);

    /// <summary>Opens a file's content for a server that holds a live lease (renewed by this call). The SHA-256 must
    /// name a distributed file of some version: the store serves nothing else.</summary>
    /// <exception cref="UpdateDownloadException">No lease, or no such file.</exception>
    public async Task<(Stream Content, long Length)> OpenFileAsync(Guid leaseId, string serverId, string sha256, CancellationToken cancellationToken)
    {
        if (!await leases.RenewAsync(leaseId, serverId, cancellationToken))
        {
            throw new UpdateDownloadException("no download lease: acquire one first (it may have expired)", leaseMissing: true);
        }
        var known = UpdateStore.IsSha256(sha256)
            && await db.Set<UpdateVersionFile>().AnyAsync(f => f.Sha256 == sha256 && f.Distributed, cancellationToken);
        var content = known ? store.OpenRead(sha256) : null;
        return content is null
            ? throw new UpdateDownloadException($"no update file with SHA-256 '{sha256}'", leaseMissing: false)
            : (content, content.Length);
    }
}

/// <summary>A download the center refuses.</summary>
public sealed class UpdateDownloadException(string message, bool leaseMissing) : Exception(message)
{
    public bool LeaseMissing { get; } = leaseMissing;
}

using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Updates;

/// <summary>The answer to a download lease request.</summary>
public sealed record DownloadLease(bool Granted, Guid LeaseId, DateTimeOffset ExpiresAt, TimeSpan RetryAfter);

/// <summary>
/// At most <see cref="UpdateOptions.MaxConcurrentDownloads"/> scan servers download signature files at once, fleet-wide:
/// a server needs a lease before its first file, renews it with each file it fetches, and releases it when done. Slot
/// rows taken by a conditional UPDATE, as <see cref="Scheduling.HostScanLeases"/>: safe with several center instances.
/// </summary>
public sealed class UpdateDownloadLeases(CenterDbContext db, IOptions<UpdateOptions> options, TimeProvider time)
{
    private readonly UpdateOptions _options = options.Value;

    private DbSet<UpdateDownloadSlot> Slots => db.Set<UpdateDownloadSlot>();

    public async Task<DownloadLease> AcquireAsync(string serverId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(serverId);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var expires = now + _options.DownloadLeaseDuration;
        var expiresMs = expires.ToUnixTimeMilliseconds();
        var held = await Slots.Where(s => s.ServerId == serverId && s.ExpiresAtUnixMs > nowMs && s.Slot < _options.MaxConcurrentDownloads)
            .Select(s => new { s.Slot, s.LeaseId }).FirstOrDefaultAsync(cancellationToken);
        if (held is not null)
        {
            await Slots.Where(s => s.Slot == held.Slot && s.LeaseId == held.LeaseId)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAtUnixMs, expiresMs), cancellationToken);
            return new DownloadLease(true, held.LeaseId!.Value, expires, TimeSpan.Zero);
        }
        var leaseId = Guid.NewGuid();
        if (await TakeFreeSlotAsync(serverId, leaseId, nowMs, expiresMs, cancellationToken))
        {
            return new DownloadLease(true, leaseId, expires, TimeSpan.Zero);
        }
        if (await Slots.CountAsync(s => s.Slot < _options.MaxConcurrentDownloads, cancellationToken) < _options.MaxConcurrentDownloads)
        {
            await EnsureSlotsAsync(cancellationToken);
            if (await TakeFreeSlotAsync(serverId, leaseId, nowMs, expiresMs, cancellationToken))
            {
                return new DownloadLease(true, leaseId, expires, TimeSpan.Zero);
            }
        }
        return new DownloadLease(false, Guid.Empty, default, _options.DownloadRetryAfter);
    }

    /// <summary>True when <paramref name="serverId"/> holds <paramref name="leaseId"/> and it has not expired; renews it.</summary>
    public async Task<bool> RenewAsync(Guid leaseId, string serverId, CancellationToken cancellationToken = default)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var expiresMs = (time.GetUtcNow() + _options.DownloadLeaseDuration).ToUnixTimeMilliseconds();
        return await Slots.Where(s => s.LeaseId == leaseId && s.ServerId == serverId && s.ExpiresAtUnixMs > nowMs
                && s.Slot < _options.MaxConcurrentDownloads)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ExpiresAtUnixMs, expiresMs), cancellationToken) == 1;
    }

    public async Task<bool> ReleaseAsync(Guid leaseId, string serverId, CancellationToken cancellationToken = default) =>
        await Slots.Where(s => s.LeaseId == leaseId && s.ServerId == serverId)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.LeaseId, (Guid?)null)
                .SetProperty(s => s.ServerId, (string?)null)
                .SetProperty(s => s.ExpiresAtUnixMs, 0L), cancellationToken) == 1;

    /// <summary>Download leases held now.</summary>
    public async Task<int> ActiveAsync(CancellationToken cancellationToken = default)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        return await Slots.CountAsync(s => s.ExpiresAtUnixMs > nowMs && s.Slot < _options.MaxConcurrentDownloads, cancellationToken);
    }

    private async Task<bool> TakeFreeSlotAsync(string serverId, Guid leaseId, long nowMs, long expiresMs, CancellationToken cancellationToken)
    {
        // Start at a server-dependent slot so that many servers asking at once do not all fight over slot 0 first.
        var count = _options.MaxConcurrentDownloads;
        var start = (int)((uint)StringComparer.Ordinal.GetHashCode(serverId) % (uint)count);
        for (var i = 0; i < count; i++)
        {
            var slot = (start + i) % count;
            var taken = await Slots.Where(s => s.Slot == slot && s.ExpiresAtUnixMs <= nowMs)
                .ExecuteUpdateAsync(u => u
                    .SetProperty(s => s.LeaseId, leaseId)
                    .SetProperty(s => s.ServerId, serverId)
                    .SetProperty(s => s.ExpiresAtUnixMs, expiresMs), cancellationToken);
            if (taken == 1)
            {
                return true;
            }
        }
        return false;
    }

    private async Task EnsureSlotsAsync(CancellationToken cancellationToken)
    {
        for (var slot = 0; slot < _options.MaxConcurrentDownloads; slot++)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO update_download_slots (\"Slot\", \"ExpiresAtUnixMs\") VALUES ({slot}, {0L}) ON CONFLICT DO NOTHING",
                cancellationToken);
        }
    }
}

using Google.Protobuf;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>
/// On a tenant center: the main center's scan servers for the tenant's segment, as the last exchange brought them down
/// (kept as the link mark <c>down:scan-servers</c>, so a restart or a cut keeps the last list), offered to the assignment
/// of this center's agents next to its own scan servers (decision 63). Up or down is the main center's word at that
/// exchange. On a provider center, or before the first exchange, there are none.
/// </summary>
public sealed class LinkedScanServers(IServiceScopeFactory scopes, TimeProvider time)
{
    private const string MarkKey = "down:scan-servers";
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(5);
    private volatile Known? _known;

    /// <summary>Records what came down (saved with the exchange) and drops the remembered list.</summary>
    public async Task StoreAsync(CenterDbContext db, IEnumerable<LinkScanServer> servers, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var holder = new LinkExchangeResponse();
        holder.ScanServers.AddRange(servers);
        var value = Convert.ToBase64String(holder.ToByteArray());
        var mark = await db.LinkMarks.FirstOrDefaultAsync(m => m.Key == MarkKey, cancellationToken);
        if (mark is null)
        {
            db.LinkMarks.Add(new LinkMark { Key = MarkKey, Value = value, UpdatedAt = now });
        }
        else
        {
            // Touched at every exchange, so the outbox's pruning of old marks never drops the list.
            (mark.Value, mark.UpdatedAt) = (value, now);
        }
        _known = null;
    }

    /// <summary>The main center's servers as assignment candidates for an agent of <paramref name="tenantId"/> in this
    /// center's <paramref name="segment"/> (the main center sent only the tenant's segment's servers).</summary>
    public async Task<IEnumerable<ScanServerCandidate>> CandidatesAsync(Guid tenantId, string segment, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var known = await KnownAsync(cancellationToken);
        if (known.TenantId != tenantId)
        {
            return [];
        }
        return known.Servers.Select(s => new ScanServerCandidate(s.ServerId, s.Address, s.CertificateSha256, s.HypervisorHost, segment,
            s.Capacity, s.Load, s.EngineVersion, s.Up ? now : DateTimeOffset.MinValue, s.Site));
    }

    private async Task<Known> KnownAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known is { } known && known.Until > now && known.Until - now <= Remembered)
        {
            return known;
        }
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var tenantId = await db.LinkStates.AsNoTracking().Select(s => (Guid?)s.TenantId).FirstOrDefaultAsync(cancellationToken) ?? Guid.Empty;
        var value = await db.LinkMarks.AsNoTracking().Where(m => m.Key == MarkKey).Select(m => m.Value).FirstOrDefaultAsync(cancellationToken);
        IReadOnlyList<LinkScanServer> servers = tenantId == Guid.Empty || value is null
            ? []
            : [.. LinkExchangeResponse.Parser.ParseFrom(Convert.FromBase64String(value)).ScanServers];
        var fresh = new Known(tenantId, servers, now + Remembered);
        _known = fresh;
        return fresh;
    }

    private sealed record Known(Guid TenantId, IReadOnlyList<LinkScanServer> Servers, DateTimeOffset Until);
}

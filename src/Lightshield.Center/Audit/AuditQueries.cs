using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Audit;

/// <summary>Which audit rows to list: actions starting with <paramref name="ActionPrefix"/> (for example <c>tenant.</c>).</summary>
public sealed record AuditFilter(string? ActionPrefix = null)
{
    public void Validate() => InvalidRequestException.ThrowIfAny(TextSearch.Problem("action", ActionPrefix));
}

/// <summary>The caller's audit log (a tenant's rows or the provider's): the one query behind <c>GET /api/v1/audit</c>
/// (a feed, oldest first after a sequence) and the console's audit page (newest first, paged). Works in the caller's scope.</summary>
public sealed class AuditQueries(CenterDbContext db)
{
    /// <summary>The most rows one feed read returns.</summary>
    public const int MaxFeedRows = 1000;

    /// <summary>Rows after <paramref name="after"/>, oldest first, at most <paramref name="limit"/> (1 to <see cref="MaxFeedRows"/>).</summary>
    public async Task<IReadOnlyList<AuditEntry>> FeedAsync(AuditFilter filter, long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        InvalidRequestException.ThrowIfAny(limit is < 1 or > MaxFeedRows ? $"'limit' must be between 1 and {MaxFeedRows}." : null);
        return await Filtered(filter).Where(e => e.Sequence > after).OrderBy(e => e.Sequence).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>Rows newest first, one page.</summary>
    public async Task<Page<AuditEntry>> PageAsync(AuditFilter filter, PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var entries = Filtered(filter);
        var total = await entries.CountAsync(cancellationToken);
        return new Page<AuditEntry>(total, page,
            await entries.OrderByDescending(e => e.Sequence).Skip(page.Skip).Take(page.Size).ToListAsync(cancellationToken));
    }

    private IQueryable<AuditEntry> Filtered(AuditFilter filter)
    {
        filter.Validate();
        var entries = db.AuditEntries.AsNoTracking();
        return string.IsNullOrEmpty(filter.ActionPrefix) ? entries : entries.Where(e => e.Action.StartsWith(filter.ActionPrefix));
    }
}

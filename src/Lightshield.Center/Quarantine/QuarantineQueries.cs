using System.Text.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Quarantine;

/// <summary>A vault item as lists show it: with the agent's host name, its threat names and its state's word.</summary>
public sealed record QuarantineItemView(QuarantineItemRecord Item, string? AgentHostName, IReadOnlyList<string> Names)
{
    public string State => QuarantineItemStates.Name(Item.State);
}

/// <summary>The words for a vault item's state, the same in the REST API and the console.</summary>
public static class QuarantineItemStates
{
    public static string Name(QuarantineItemState state) => state switch
    {
        QuarantineItemState.RestoreRequested => "restore-requested",
        QuarantineItemState.Restored => "restored",
        QuarantineItemState.Deleted => "deleted",
        _ => "in-vault",
    };
}

/// <summary>The tenant's quarantined files, newest first, without forgotten (deleted) ones: the one query behind
/// <c>GET /api/v1/quarantine</c> and the console's quarantine page. Works in the caller's scope.</summary>
public sealed class QuarantineQueries(CenterDbContext db)
{
    public async Task<Page<QuarantineItemView>> ListAsync(PageRequest page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var items = db.QuarantineItems.AsNoTracking().Where(i => i.State != QuarantineItemState.Deleted);
        var total = await items.CountAsync(cancellationToken);
        var rows = await items.OrderByDescending(i => i.QuarantinedAt).ThenBy(i => i.Id).Skip(page.Skip).Take(page.Size).ToListAsync(cancellationToken);
        var hosts = await AgentHostNames.OfAsync(db, rows.Select(i => i.AgentId), cancellationToken);
        return new Page<QuarantineItemView>(total, page, [.. rows.Select(i => View(i, hosts.GetValueOrDefault(i.AgentId)))]);
    }

    public async Task<QuarantineItemView?> GetAsync(Guid itemId, CancellationToken cancellationToken)
    {
        var item = await db.QuarantineItems.AsNoTracking().FirstOrDefaultAsync(i => i.Id == itemId, cancellationToken);
        return item is null ? null : View(item, (await AgentHostNames.OfAsync(db, [item.AgentId], cancellationToken)).GetValueOrDefault(item.AgentId));
    }

    public static QuarantineItemView View(QuarantineItemRecord item, string? hostName)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item, hostName, JsonSerializer.Deserialize<string[]>(item.NamesJson) ?? []);
    }
}

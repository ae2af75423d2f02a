using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Api;

/// <summary>Resolves an optional <c>?tenant=ID-or-NAME</c> narrowing of a list through the caller's scope: a tenant the
/// caller cannot see is "not found", exactly like one that does not exist.</summary>
internal static class TenantSelector
{
    /// <summary>(null, null) for no narrowing; (id, null) for a visible tenant; (null, problem) otherwise.</summary>
    public static async Task<(Guid? TenantId, IResult? Problem)> ResolveAsync(CenterDbContext db, string? tenant, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(tenant))
        {
            return (null, null);
        }
        var id = Guid.TryParse(tenant, out var parsed)
            ? await db.Tenants.Where(t => t.Id == parsed).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct)
            : await db.Tenants.Where(t => t.Name == tenant).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
        return id is null
            ? (null, ApiProblems.NotFoundText($"There is no tenant '{tenant}' (or it is not yours to see)."))
            : (id, null);
    }
}

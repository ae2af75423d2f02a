using System.Text.Json;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;

namespace Lightshield.Center.Audit;

/// <summary>Records an administrative action in the same save as the change it describes. The row lands in the
/// log of the current scope (the tenant's, or the provider's) and is chained when the context saves.</summary>
public sealed class AuditLog(CenterDbContext context, CurrentActor actor, TimeProvider time)
{
    private static readonly JsonSerializerOptions DetailsJson = new(JsonSerializerDefaults.Web);

    public void Record(string action, string target, object? details = null) =>
        context.AuditEntries.Add(new AuditEntry
        {
            Time = time.GetUtcNow(),
            Actor = actor.Name,
            Action = action,
            Target = target,
            Details = JsonSerializer.Serialize(details ?? new { }, DetailsJson),
        });
}

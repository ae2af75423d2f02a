using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;

namespace Lightshield.Center.Inventory;

/// <summary><c>/api/v1/inventory</c>: the provider's VM instances, with the tenant and vCPUs of each. Provider staff
/// read it; the provider admin imports and removes. A tenant sees none of it (the rows are the provider's).</summary>
internal static class InventoryEndpoints
{
    public static void MapInventoryEndpoints(this RouteGroupBuilder api)
    {
        var inventory = api.MapGroup("/inventory").WithTags("Inventory");
        inventory.MapGet("/", ListAsync).RequireAuthorization(Policies.ProviderStaff)
            .WithSummary("The provider's VM instances (?tenant=ID-or-NAME), by tenant.");
        inventory.MapPut("/", ImportAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Add or change instances (from the cloud platform): an agent bound to one takes its vCPUs. Every problem is reported at once; nothing is written then.")
            .Produces<InventoryImportResult>();
        inventory.MapDelete("/{instanceId}", async (string instanceId, CenterDbContext db, AuditLog audit, ProviderInventory inventory, CancellationToken ct) =>
                await inventory.RemoveAsync(db, audit, instanceId, ct) ? Results.NoContent() : ApiProblems.NotFoundText($"There is no instance '{instanceId}'."))
            .RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Remove an instance; its agent goes back to the vCPUs it declares.");
    }

    private static async Task<IResult> ListAsync(CenterDbContext db, string? tenant, CancellationToken ct)
    {
        var (tenantId, problem) = await TenantSelector.ResolveAsync(db, tenant, ct);
        if (problem is not null)
        {
            return problem;
        }
        var instances = await ProviderInventory.ListAsync(db, tenantId, ct);
        return TypedResults.Ok(instances.Select(x => new InventoryInstanceResponse(x.Instance.InstanceId, x.Instance.TenantId, x.TenantName,
            x.Instance.Vcpus, x.Instance.ImportedAt, x.Instance.ImportedBy)));
    }

    private static async Task<IResult> ImportAsync(InventoryImportRequest request, CenterDbContext db, AuditLog audit, ProviderInventory inventory,
        CurrentActor actor, CancellationToken ct) =>
        TypedResults.Ok(await inventory.ImportAsync(db, audit, request.Instances ?? [], actor.Name, ct));
}

/// <param name="Instances">Up to 100,000 instances.</param>
public sealed record InventoryImportRequest(IReadOnlyList<InventoryRow>? Instances);

public sealed record InventoryInstanceResponse(string InstanceId, Guid TenantId, string TenantName, int Vcpus, DateTimeOffset ImportedAt,
    string ImportedBy);

using System.Text.Json;
using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Hierarchy;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Policies;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.ScanPolicies;

/// <summary>Group policies (tenant-private), the provider's default template, and the provider's reset-to-default.</summary>
internal static class PolicyEndpoints
{
    public static void MapPolicyEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/agent-groups/{groupId:guid}/policy").WithTags("Policies").RequireAuthorization(Policies.TenantReader);
        group.MapGet("/", GetAsync).WithSummary("The group's policy (the default template until the tenant changes it).");
        group.MapPut("/", PutAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Replace the group's policy; every problem is listed when it is invalid.");

        var template = api.MapGroup("/policy-template").WithTags("Policies").RequireAuthorization(Policies.ProviderStaff);
        template.MapGet("/", async (PolicyTemplates templates, CancellationToken ct) =>
            TypedResults.Ok(JsonDocument.Parse(await templates.CurrentJsonAsync(ct)).RootElement))
            .WithSummary("The provider's default policy.");
        template.MapPut("/", PutTemplateAsync).RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Replace the default policy (new groups and resets use it; existing tenant policies are not changed).");

        api.MapPost("/tenants/{tenantId:guid}/policy-reset", ResetAsync).WithTags("Policies")
            .RequireAuthorization(Policies.ProviderAdmin)
            .WithSummary("Reset every policy of a tenant to the default template (audited in the tenant's log too).");
    }

    private static async Task<IResult> GetAsync(Guid groupId, GroupPolicies policies, CancellationToken ct) =>
        await policies.GetOrCreateAsync(groupId, ct) is { } policy
            ? TypedResults.Ok(GroupPolicyResponse.From(policy))
            : ApiProblems.NotFound("agent group", groupId);

    private static async Task<IResult> PutAsync(Guid groupId, HttpRequest request, GroupPolicies policies, CancellationToken ct)
    {
        // Existence first: someone else's group is "not found" whatever the body says.
        var policy = await policies.GetOrCreateAsync(groupId, ct);
        if (policy is null)
        {
            return ApiProblems.NotFound("agent group", groupId);
        }
        var parsed = await ReadPolicyAsync(request, ct);
        if (parsed.Problem is not null)
        {
            return parsed.Problem;
        }
        await policies.ReplaceAsync(policy, parsed.Json!, ct);
        return TypedResults.Ok(GroupPolicyResponse.From(policy));
    }

    private static async Task<IResult> PutTemplateAsync(HttpRequest request, CenterDbContext db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        var parsed = await ReadPolicyAsync(request, ct);
        if (parsed.Problem is not null)
        {
            return parsed.Problem;
        }
        var template = await db.PolicyTemplates.FirstOrDefaultAsync(ct);
        if (template is null)
        {
            template = new PolicyTemplate { Id = Guid.NewGuid(), Json = parsed.Json! };
            db.PolicyTemplates.Add(template);
        }
        template.Json = parsed.Json!;
        template.Version++;
        template.UpdatedAt = time.GetUtcNow();
        audit.Record("policy-template.update", "policy-template", new { template.Version });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(JsonDocument.Parse(template.Json).RootElement);
    }

    private static async Task<IResult> ResetAsync(Guid tenantId, CenterDbContext db, ProviderPolicyReset reset, CurrentActor actor, CancellationToken ct)
    {
        if (!await db.Tenants.AnyAsync(t => t.Id == tenantId, ct))
        {
            return ApiProblems.NotFound("tenant", tenantId);
        }
        var result = await reset.ResetAsync(tenantId, actor.Name, ct);
        // A tenant with its own center: the order goes down the link and is applied there (202).
        return result.QueuedOrderId is null ? TypedResults.Ok(result) : TypedResults.Accepted($"{ApiEndpoints.Prefix}/tenant-centers", result);
    }

    private static async Task<(string? Json, IResult? Problem)> ReadPolicyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync(ct);
        try
        {
            return (PolicyJson.Serialize(PolicyJson.Parse(body)), null);
        }
        catch (PolicyException e)
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["policy"] = [.. e.Errors] },
                detail: string.Join(" ", e.Errors), title: "Invalid policy"));
        }
    }
}

public sealed record GroupPolicyResponse(Guid GroupId, long Version, JsonElement Policy, DateTimeOffset UpdatedAt, string UpdatedBy,
    DateTimeOffset? ResetByProviderAt)
{
    public static GroupPolicyResponse From(GroupPolicy policy) => new(policy.GroupId, policy.Version,
        JsonDocument.Parse(policy.Json).RootElement.Clone(), policy.UpdatedAt, policy.UpdatedBy, policy.ResetByProviderAt);
}

/// <param name="QueuedOrderId">Set when the tenant has its own center: the reset order sent down the link (202), applied there.</param>
public sealed record PolicyResetResponse(Guid TenantId, int GroupsReset, Guid? QueuedOrderId = null);

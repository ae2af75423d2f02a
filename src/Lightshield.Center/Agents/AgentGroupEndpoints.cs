using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary><c>/api/v1/agent-groups</c>: a tenant's groups of agents (tenant-private).</summary>
internal static class AgentGroupEndpoints
{
    public static void MapAgentGroupEndpoints(this RouteGroupBuilder api)
    {
        var groups = api.MapGroup("/agent-groups").WithTags("Agent groups").RequireAuthorization(Policies.TenantReader);
        groups.MapGet("/", async (AgentGroupQueries queries, CancellationToken ct) =>
            TypedResults.Ok((await queries.ListAsync(ct)).Select(AgentGroupResponse.From)))
            .WithSummary("List my agent groups with their agent and vCPU counts and policy version.");
        groups.MapGet("/{groupId:guid}", async (Guid groupId, AgentGroupQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.GetAsync(groupId, ct), AgentGroupResponse.From, "agent group", groupId))
            .WithSummary("Get an agent group.");
        groups.MapPost("/", CreateAsync).RequireAuthorization(Policies.TenantAdmin).WithSummary("Create an agent group.");
        groups.MapDelete("/{groupId:guid}", DeleteAsync).RequireAuthorization(Policies.TenantAdmin)
            .WithSummary("Delete an agent group without agents or enrolment tokens.");
    }

    private static async Task<IResult> CreateAsync(AgentGroupRequest request, CenterDbContext db, AuditLog audit, TimeProvider time, CancellationToken ct)
    {
        if (ApiProblems.CheckName("name", request.Name) is { } problem)
        {
            return ApiProblems.BadRequest(problem);
        }
        if (await db.AgentGroups.AnyAsync(g => g.Name == request.Name, ct))
        {
            return ApiProblems.Conflict($"An agent group named '{request.Name}' exists already.");
        }
        var group = new AgentGroup { Id = Guid.NewGuid(), Name = request.Name!, Description = request.Description, CreatedAt = time.GetUtcNow() };
        db.AgentGroups.Add(group);
        audit.Record("agent-group.create", $"agent-group/{group.Id}", new { group.Name });
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"{ApiEndpoints.Prefix}/agent-groups/{group.Id}",
            AgentGroupResponse.From(new AgentGroupView(group, 0, 0, null, null, null, null)));
    }

    private static async Task<IResult> DeleteAsync(Guid groupId, CenterDbContext db, AuditLog audit, CancellationToken ct)
    {
        var group = await db.AgentGroups.FirstOrDefaultAsync(g => g.Id == groupId, ct);
        if (group is null)
        {
            return ApiProblems.NotFound("agent group", groupId);
        }
        if (await db.Agents.AnyAsync(a => a.GroupId == groupId, ct) || await db.EnrolmentTokens.AnyAsync(t => t.GroupId == groupId, ct))
        {
            return ApiProblems.Conflict($"Agent group '{group.Name}' still has agents or enrolment tokens.");
        }
        db.AgentGroups.Remove(group);
        audit.Record("agent-group.delete", $"agent-group/{group.Id}", new { group.Name });
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}

public sealed record AgentGroupRequest(string? Name, string? Description);

/// <param name="Agents">Enrolled, not revoked agents.</param>
/// <param name="PolicyVersion">Null while the group has the untouched default policy.</param>
public sealed record AgentGroupResponse(Guid Id, string Name, string? Description, DateTimeOffset CreatedAt, int Agents, int Vcpus, long? PolicyVersion)
{
    public static AgentGroupResponse From(AgentGroupView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var group = view.Group;
        return new(group.Id, group.Name, group.Description, group.CreatedAt, view.Agents, view.Vcpus, view.PolicyVersion);
    }
}

using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary><c>/api/v1/agents</c>: a tenant's enrolled agents (tenant-private). Agents enrol over gRPC only.</summary>
internal static class AgentEndpoints
{
    public static void MapAgentEndpoints(this RouteGroupBuilder api)
    {
        var agents = api.MapGroup("/agents").WithTags("Agents").RequireAuthorization(Policies.TenantReader);
        agents.MapGet("/", async (AgentQueries queries, string? search, int? page, int? pageSize, CancellationToken ct) =>
            TypedResults.Ok((await queries.ListAsync(new AgentFilter(search), page is null && pageSize is null ? null : PageRequest.Of(page, pageSize), ct))
                .Items.Select(AgentResponse.From)))
            .WithSummary("List my agents by host name (?search=TEXT in the host name; all of them, or a page with ?page=N&pageSize=M).");
        agents.MapGet("/{agentId:guid}", async (Guid agentId, AgentQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.GetAsync(agentId, ct), AgentResponse.From, "agent", agentId))
            .WithSummary("Get an agent.");
        agents.MapPost("/{agentId:guid}/revoke", RevokeAsync).RequireAuthorization(Policies.TenantOperator)
            .WithSummary("Revoke an agent's credential: it loses service until it enrols again.");
        // No REST enrolment: agents enrol over gRPC (AgentGateway.Enrol), which signs a credential and takes the agent's
        // key. The anonymous REST form made agent rows without either, and was one more unauthenticated door.
    }

    private static async Task<IResult> RevokeAsync(Guid agentId, CenterDbContext db, AgentQueries queries, AuditLog audit, TimeProvider time,
        CancellationToken ct)
    {
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId, ct);
        if (agent is null)
        {
            return ApiProblems.NotFound("agent", agentId);
        }
        if (agent.RevokedAt is null)
        {
            agent.RevokedAt = time.GetUtcNow();
            audit.Record("agent.revoke", $"agent/{agent.Id}", new { agent.HostName, agent.CredentialId });
            await db.SaveChangesAsync(ct);
        }
        return TypedResults.Ok(AgentResponse.From((await queries.GetAsync(agentId, ct))!));
    }
}

/// <param name="PolicyVersion">The version of its group's policy (null: the group still has the default template, untouched).</param>
/// <param name="LastSeenAt">Its last sync; null before the first. With it, what that sync reported.</param>
public sealed record AgentResponse(Guid Id, Guid GroupId, string GroupName, string HostName, string HypervisorHost, int Vcpus, string CredentialId,
    DateTimeOffset EnrolledAt, DateTimeOffset? RevokedAt, long? PolicyVersion, DateTimeOffset? LastSeenAt, bool? OnAccessEnabled, bool? ScanServerReachable)
{
    public static AgentResponse From(AgentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var agent = view.Agent;
        return new(agent.Id, agent.GroupId, view.GroupName, agent.HostName, agent.HypervisorHost, agent.Vcpus, agent.CredentialId, agent.EnrolledAt,
            agent.RevokedAt, view.PolicyVersion, view.LastSeenAt, view.OnAccessEnabled, view.ScanServerReachable);
    }
}

using Lightshield.Center.Api;
using Lightshield.Center.Audit;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Queries;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Agents;

/// <summary><c>/api/v1/agents</c>: a tenant's enrolled agents (tenant-private), and enrolment with a token.</summary>
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
        agents.MapPost("/enrol", EnrolAsync).AllowAnonymous()
            .WithSummary("Enrol an agent with a tenant enrolment token (the token is the credential of this call).")
            .Produces<EnrolResponse>(StatusCodes.Status201Created);
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

    private static async Task<IResult> EnrolAsync(EnrolRequest request, IServiceScopeFactory scopes, CenterMetrics metrics, TimeProvider time,
        CancellationToken ct)
    {
        var problems = new[]
        {
            string.IsNullOrEmpty(request.EnrolmentToken) ? "'enrolmentToken' is required." : null,
            ApiProblems.CheckName("hostName", request.HostName, 255),
            ApiProblems.CheckName("hypervisorHost", request.HypervisorHost, 255),
            request.Vcpus is < 1 or > 4096 ? "'vcpus' must be between 1 and 4096." : null,
        }.OfType<string>().ToList();
        if (problems.Count > 0)
        {
            return ApiProblems.BadRequest(string.Join(" ", problems));
        }
        var hash = SecretTokens.HashOf(request.EnrolmentToken!);
        EnrolmentToken? token;
        TenantState? state;
        // The enrolment token is what tells us the tenant: it is looked up in a system scope.
        await using (var system = scopes.CreateSystemScope())
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            token = await db.EnrolmentTokens.AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == hash, ct);
            state = token is null ? null
                : await db.Tenants.Where(t => t.Id == token.TenantId).Select(t => (TenantState?)t.State).FirstOrDefaultAsync(ct);
        }
        var now = time.GetUtcNow();
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return ApiProblems.Unauthorized("The enrolment token is unknown, revoked or expired.");
        }
        if (state != TenantState.Active)
        {
            return ApiProblems.Forbidden("The tenant of this enrolment token is suspended.");
        }
        await using var tenantScope = scopes.CreateScope(TenantScope.ForTenant(token.TenantId));
        var services = tenantScope.ServiceProvider;
        services.GetRequiredService<CurrentActor>().Name = $"enrolment-token:{token.Id}";
        var agent = new Agent
        {
            Id = Guid.NewGuid(),
            GroupId = token.GroupId,
            HostName = request.HostName!,
            HypervisorHost = request.HypervisorHost!,
            Vcpus = request.Vcpus ?? 1,
            CredentialId = Guid.NewGuid().ToString("N"),
            EnrolledAt = now,
        };
        var tenantDb = services.GetRequiredService<CenterDbContext>();
        tenantDb.Agents.Add(agent);
        services.GetRequiredService<AuditLog>().Record("agent.enrol", $"agent/{agent.Id}", new { agent.HostName, agent.HypervisorHost, agent.Vcpus, enrolmentToken = token.Id });
        await tenantDb.SaveChangesAsync(ct);
        metrics.Enrolled();
        return TypedResults.Created($"{ApiEndpoints.Prefix}/agents/{agent.Id}", new EnrolResponse(agent.Id, agent.TenantId, agent.GroupId, agent.CredentialId));
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

/// <param name="Vcpus">vCPUs of the VM, for licensing. Default 1.</param>
public sealed record EnrolRequest(string? EnrolmentToken, string? HostName, string? HypervisorHost, int? Vcpus);

/// <param name="CredentialId">Id of the agent's credential. The signed credential that scan servers verify comes with the next slice.</param>
public sealed record EnrolResponse(Guid AgentId, Guid TenantId, Guid GroupId, string CredentialId);

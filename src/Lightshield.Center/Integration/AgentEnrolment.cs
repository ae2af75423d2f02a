using Google.Protobuf;
using Grpc.Core;
using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Billing;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Identity;
using Lightshield.Center.Inventory;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using EnrolRequest = Lightshield.Protocol.Center.EnrolRequest;
using EnrolResponse = Lightshield.Protocol.Center.EnrolResponse;

namespace Lightshield.Center.Integration;

/// <summary>
/// Trades a tenant's enrolment token for a new agent and its credential. The token (found by its SHA-256) tells the
/// tenant; it must be neither revoked nor expired and the tenant must be active. The agent row is written in that
/// tenant's scope, with an audit entry. Nothing about the caller's address is kept or used: two VMs with the same
/// address are two agents, told apart by their credentials only.
/// </summary>
public sealed class AgentEnrolment(IServiceScopeFactory scopes, AgentCredentials credentials, ProviderInventory inventory,
    IOptions<InventoryOptions> inventoryOptions, CenterMetrics metrics, TimeProvider time, ILogger<AgentEnrolment> logger)
{
    public async Task<EnrolResponse> EnrolAsync(EnrolRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new[]
        {
            string.IsNullOrEmpty(request.EnrolmentToken) ? "'enrolment_token' is required" : null,
            CheckName("host_name", request.HostName, 255),
            CheckName("hypervisor_host", request.HypervisorHost, 255),
            request.VirtualCpus is < 1 or > Agent.MaxVcpus ? $"'virtual_cpus' must be between 1 and {Agent.MaxVcpus}" : null,
            request.Group.Length > 200 ? "'group' must have at most 200 characters" : null,
            request.InstanceId.Length > 0 && !InstanceIds.IsValid(request.InstanceId.Trim())
                ? $"'instance_id' must be at most {InstanceIds.MaxLength} letters, digits, '.', '_', ':' or '-'" : null,
            request.AgentPublicKey.Length > 0 && !IsUsableAgentKey(request.AgentPublicKey.Span)
                ? $"'agent_public_key' must be an RSA SubjectPublicKeyInfo of at least {RestoreKeyWrap.MinimumAgentKeySize} bits" : null,
            !KeyThumbprint.IsProofKey(request.AgentProofKey.Span)
                ? "'agent_proof_key' must be an ECDSA P-256 SubjectPublicKeyInfo: every agent call proves possession of it (update the agent)"
                : null,
        }.OfType<string>().ToList();
        if (problems.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", problems)));
        }

        var hash = SecretTokens.HashOf(request.EnrolmentToken);
        EnrolmentToken? token;
        TenantState? state = null;
        string? segment = null;
        // The enrolment token is what tells us the tenant: it is looked up in a system scope.
        await using (var system = scopes.CreateSystemScope())
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            token = await db.EnrolmentTokens.AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == hash, cancellationToken);
            if (token is not null)
            {
                var tenant = await (from t in db.Tenants
                                    join s in db.Segments on t.SegmentId equals s.Id
                                    where t.Id == token.TenantId
                                    select new { t.State, Segment = s.Name }).FirstOrDefaultAsync(cancellationToken);
                (state, segment) = (tenant?.State, tenant?.Segment);
            }
        }
        var now = time.GetUtcNow();
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the enrolment token is unknown, revoked or expired"));
        }
        if (state != TenantState.Active || segment is null)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the tenant of this enrolment token is suspended"));
        }

        await using var tenantScope = scopes.CreateScope(TenantScope.ForTenant(token.TenantId));
        var services = tenantScope.ServiceProvider;
        services.GetRequiredService<CurrentActor>().Name = $"enrolment-token:{token.Id}";
        var tenantDb = services.GetRequiredService<CenterDbContext>();
        var groupId = token.GroupId;
        if (request.Group.Length > 0)
        {
            groupId = await tenantDb.AgentGroups.Where(g => g.Name == request.Group).Select(g => (Guid?)g.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new RpcException(new Status(StatusCode.InvalidArgument, $"the tenant has no agent group '{request.Group}'"));
        }
        var instance = await BindInstanceAsync(request, token.TenantId, tenantDb, cancellationToken);
        var credentialId = Guid.NewGuid();
        var agent = new Agent
        {
            Id = Guid.NewGuid(),
            TenantId = token.TenantId,
            GroupId = groupId,
            HostName = request.HostName,
            HypervisorHost = request.HypervisorHost,
            Vcpus = instance?.Vcpus ?? request.VirtualCpus,
            InventoryInstanceId = instance?.InstanceId,
            CredentialId = credentialId.ToString("N"),
            EnrolledAt = now,
            PublicKey = request.AgentPublicKey.Length > 0 ? request.AgentPublicKey.ToByteArray() : null,
        };
        var issued = await credentials.IssueAsync(credentialId, agent.Id, agent.TenantId, segment,
            KeyThumbprint.Of(request.AgentProofKey.Span), cancellationToken);
        agent.CredentialExpiresAt = issued.Claims.ExpiresAt;
        tenantDb.Agents.Add(agent);
        tenantDb.AgentStatuses.Add(new AgentStatus { AgentId = agent.Id, LastSeenAt = now, OperatingSystem = ColumnText.Fit(request.OperatingSystem, 200) });
        await services.GetRequiredService<UsageMeter>().RecordContactAsync(agent, agent.Vcpus, now, cancellationToken);
        services.GetRequiredService<AuditLog>().Record("agent.enrol", $"agent/{agent.Id}",
            new { agent.HostName, agent.HypervisorHost, agent.Vcpus, agent.InventoryInstanceId, agent.GroupId, agent.CredentialId, enrolmentToken = token.Id });
        try
        {
            await tenantDb.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (instance is not null)
        {
            throw InstanceTaken(instance.InstanceId); // another VM claiming the same instance won the race
        }
        // Enrolment beyond the licence is allowed (protection first) and never silent: the state turns over-licence,
        // with its event, now. The agent is saved by then: an evaluation that loses every race against the fleet's other
        // enrolments must not fail this one (the agent would enrol again, twice), and the periodic evaluation follows.
        try
        {
            await services.GetRequiredService<LicenceEvaluator>().EvaluateAsync(agent.TenantId, cancellationToken);
        }
        catch (DbUpdateException exception)
        {
            CenterLog.LicenceEvaluationDeferred(logger, agent.TenantId, exception.Message);
        }
        CenterLog.AgentEnrolled(logger, agent.Id, agent.TenantId, agent.HostName, agent.HypervisorHost);
        metrics.Enrolled();
        return new EnrolResponse
        {
            AgentId = agent.Id.ToString(),
            Credential = issued.Center,
            ScanCredential = issued.ScanServers,
            CredentialExpiresUnixMs = issued.Claims.ExpiresAt.ToUnixTimeMilliseconds(),
            TenantId = agent.TenantId.ToString(),
            QuarantinePublicKey = await tenantDb.QuarantineKeys.Select(k => k.PublicKey).FirstOrDefaultAsync(cancellationToken) is { } key
                ? ByteString.CopyFrom(key) : ByteString.Empty,
        };
    }

    /// <summary>The inventory instance the VM names, if the provider lists it for this tenant: the agent takes its
    /// vCPUs and is the one agent bound to it. A VM that copies another's instance id while that VM's agent is enrolled is
    /// refused; a revoked agent frees its instance.</summary>
    private async Task<InventoryInstance?> BindInstanceAsync(EnrolRequest request, Guid tenantId, CenterDbContext tenantDb,
        CancellationToken cancellationToken)
    {
        var instanceId = InstanceIds.Normalize(request.InstanceId);
        var instance = instanceId.Length > 0 ? await inventory.FindAsync(instanceId, tenantId, cancellationToken) : null;
        if (instance is null)
        {
            return inventoryOptions.Value.Required
                ? throw new RpcException(new Status(StatusCode.PermissionDenied, instanceId.Length == 0
                    ? "this VM sent no instance id, and the provider enrols only VMs of its inventory (set Agent:InstanceId)"
                    : $"the provider's inventory does not list instance '{instanceId}' for this tenant: the provider must add it before this VM can enrol"))
                : null;
        }
        var holder = await tenantDb.Agents.FirstOrDefaultAsync(a => a.InventoryInstanceId == instance.InstanceId, cancellationToken);
        if (holder is { RevokedAt: null })
        {
            throw InstanceTaken(instance.InstanceId, holder);
        }
        if (holder is not null)
        {
            holder.InventoryInstanceId = null;
            await tenantDb.SaveChangesAsync(cancellationToken);
        }
        return instance;
    }

    private static RpcException InstanceTaken(string instanceId, Agent? holder = null) =>
        new(new Status(StatusCode.AlreadyExists, $"instance '{instanceId}' is already enrolled"
            + (holder is null ? "" : $" as agent {holder.Id} ({holder.HostName})") + ": revoke that agent before enrolling this VM again"));

    private static string? CheckName(string field, string value, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? $"'{field}' is required"
        : value.Length > maxLength ? $"'{field}' must have at most {maxLength} characters"
        : null;

    private static bool IsUsableAgentKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        using var rsa = System.Security.Cryptography.RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            return read == subjectPublicKeyInfo.Length && rsa.KeySize >= RestoreKeyWrap.MinimumAgentKeySize;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}

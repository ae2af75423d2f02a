using Grpc.Core;
using Lightshield.Center.Billing;
using Lightshield.Center.Events;
using Lightshield.Center.Licensing;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanPolicies;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Scheduling;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>
/// <c>AgentGateway</c>: enrolment; sync (health, task progress and finished restores in; assignment, policy, tasks,
/// restore orders and a renewed credential out); events; full-scan leases. Every
/// call but <c>Enrol</c> arrives authenticated and bound to the agent's tenant scope by
/// <see cref="AgentAuthenticationInterceptor"/>.
/// </summary>
public sealed class AgentGatewayService(
    AgentEnrolment enrolment,
    CurrentAgent current,
    CenterDbContext db,
    ScanServerRegistry registry,
    AgentCredentials credentials,
    HostScanLeases leases,
    GroupPolicies policies,
    AgentTaskFeed tasks,
    EventIngestion events,
    QuarantineRestores restores,
    UsageMeter meter,
    LicenceEvaluator licences,
    IOptions<IntegrationOptions> options,
    TimeProvider time) : AgentGateway.AgentGatewayBase
{
    private const int MaxTaskIdLength = 100;

    public override Task<EnrolResponse> Enrol(EnrolRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return enrolment.EnrolAsync(request, context.CancellationToken);
    }

    public override async Task<SyncResponse> Sync(SyncRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var caller = current.Agent;
        var ct = context.CancellationToken;
        var agent = await db.Agents.FirstAsync(a => a.Id == caller.AgentId, ct);
        var vcpusBefore = agent.Vcpus;
        await RecordHealthAsync(agent, request.Health, ct);

        var settings = options.Value;
        var response = new SyncResponse
        {
            SyncIntervalSeconds = (int)settings.SyncInterval.TotalSeconds,
            TenantSuspended = !caller.TenantActive,
        };
        if (caller.TenantActive)
        {
            var now = time.GetUtcNow();
            // Metered only while served: a suspended tenant's agents protect nothing.
            await meter.RecordContactAsync(agent, agent.Vcpus, now, ct);
            var ordered = ScanServerAssignment.Order(await registry.CandidatesAsync(caller.Segment, ct),
                new AssignmentRequest(caller.HypervisorHost, caller.Segment, TenantActive: true, settings.RequiredEngineVersion),
                now, settings.DownAfter);
            response.ScanServers.AddRange(ordered.Select(s => new Protocol.Center.ScanServerAssignment
            {
                Address = s.Address,
                CertificateSha256 = s.CertificateSha256,
                HypervisorHost = s.HypervisorHost,
                ServerId = s.ServerId,
            }));
            await tasks.RecordProgressAsync(caller.AgentId, request.Progress, ct);
            await restores.CompletedAsync(caller.AgentId, request.CompletedRestores, ct);
            var policy = await policies.GetOrCreateAsync(agent.GroupId, ct);
            if (policy is not null)
            {
                response.PolicyVersion = policy.Version;
                if (request.PolicyVersion != policy.Version)
                {
                    response.PolicyJson = policy.Json;
                }
            }
            response.Tasks.AddRange(await tasks.TakePendingAsync(caller.AgentId, ct));
            response.Restores.AddRange(await restores.PendingAsync(caller.AgentId, ct));
            if (credentials.NeedsRenewal(caller.Claims))
            {
                var (renewed, claims) = await credentials.IssueAsync(caller.Claims.CredentialId, caller.AgentId, caller.TenantId, caller.Segment, ct);
                agent.CredentialExpiresAt = claims.ExpiresAt;
                response.RenewedCredential = renewed;
                response.RenewedCredentialExpiresUnixMs = claims.ExpiresAt.ToUnixTimeMilliseconds();
            }
        }
        await db.SaveChangesAsync(ct);
        if (agent.Vcpus != vcpusBefore)
        {
            // The licence state may change at once; it never changes this answer (protection continues in every state).
            await licences.EvaluateAsync(caller.TenantId, ct);
        }
        return response;
    }

    public override async Task<EventAck> ReportEvents(EventBatch request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var caller = current.Agent;
        if (!caller.TenantActive)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the tenant is suspended; keep the events and send them later"));
        }
        var ack = await events.IngestAsync(caller.AgentId, request.Events, context.CancellationToken);
        await restores.RecordItemsAsync(caller.AgentId, request.Events, context.CancellationToken);
        return ack;
    }

    public override async Task<ScanLeaseResponse> AcquireScanLease(ScanLeaseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrEmpty(request.TaskId) || request.TaskId.Length > MaxTaskIdLength)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"'task_id' is required (at most {MaxTaskIdLength} characters)"));
        }
        var caller = current.Agent;
        var lease = await leases.AcquireAsync(caller.HypervisorHost, caller.AgentId, request.TaskId, context.CancellationToken);
        return lease.Granted
            ? new ScanLeaseResponse { Granted = true, LeaseId = lease.LeaseId.ToString(), ExpiresUnixMs = lease.ExpiresAt.ToUnixTimeMilliseconds() }
            : new ScanLeaseResponse { Granted = false, RetryAfterMs = (long)lease.RetryAfter.TotalMilliseconds };
    }

    public override async Task<ScanLeaseAck> ReleaseScanLease(ScanLeaseRelease request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(request.LeaseId, out var leaseId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "'lease_id' is not a lease id from AcquireScanLease"));
        }
        // Releasing a lease the agent does not hold (expired, or someone else's) changes nothing.
        await leases.ReleaseAsync(leaseId, current.Agent.AgentId, context.CancellationToken);
        return new ScanLeaseAck();
    }

    private async Task RecordHealthAsync(Agents.Agent agent, HealthReport? health, CancellationToken ct)
    {
        var status = await db.AgentStatuses.FirstOrDefaultAsync(s => s.AgentId == agent.Id, ct);
        if (status is null)
        {
            status = new AgentStatus { AgentId = agent.Id };
            db.AgentStatuses.Add(status);
        }
        status.LastSeenAt = time.GetUtcNow();
        if (health is null)
        {
            return;
        }
        if (health.VirtualCpus is >= 1 and <= 4096)
        {
            agent.Vcpus = health.VirtualCpus;
        }
        status.OperatingSystem = ColumnText.Fit(health.OperatingSystem, 200);
        status.Kernel = ColumnText.Fit(health.Kernel, 200);
        status.UptimeSeconds = health.UptimeSeconds;
        status.DiskTotalBytes = health.DiskTotalBytes;
        status.DiskFreeBytes = health.DiskFreeBytes;
        status.OnAccessEnabled = health.OnAccessEnabled;
        status.ScanServer = ColumnText.Fit(health.ScanServer, 500);
        status.ScanServerReachable = health.ScanServerReachable;
        status.DatabaseVersion = ColumnText.Fit(health.DatabaseVersion, 200);
    }

}

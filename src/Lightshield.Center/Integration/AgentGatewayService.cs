using Grpc.Core;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Events;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.ScanTasks;
using Lightshield.Center.Scheduling;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>
/// <c>AgentGateway</c>: enrolment; sync, built from the features' <see cref="IAgentSyncContributor"/>s (health,
/// metering, assignment, tasks, restores, policy, credential renewal, licence); events; full-scan leases. Every call but
/// <c>Enrol</c> arrives authenticated and bound to the agent's tenant scope by <see cref="AgentAuthenticationInterceptor"/>.
/// </summary>
public sealed class AgentGatewayService(
    AgentEnrolment enrolment,
    CurrentAgent current,
    CenterDbContext db,
    IEnumerable<IAgentSyncContributor> contributors,
    HostScanLeases leases,
    AgentTaskOwnership tasks,
    EventIngestion events,
    QuarantineRestores restores,
    CenterMetrics metrics,
    Push.AgentPushStream push,
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
        var started = time.GetTimestamp();
        var succeeded = false;
        try
        {
            var response = await SyncAsync(request, context.CancellationToken);
            succeeded = true;
            return response;
        }
        finally
        {
            metrics.AgentSynced(succeeded, time.GetElapsedTime(started));
        }
    }

    private async Task<SyncResponse> SyncAsync(SyncRequest request, CancellationToken ct)
    {
        var caller = current.Agent;
        var agent = await db.Agents.FirstAsync(a => a.Id == caller.AgentId, ct);
        var sync = new AgentSyncContext(caller, agent, request, new SyncResponse
        {
            SyncIntervalSeconds = (int)options.Value.SyncInterval.TotalSeconds,
            TenantSuspended = !caller.TenantActive,
        }, time.GetUtcNow());
        var parts = contributors.Where(c => caller.TenantActive || c.ServesSuspendedTenants).OrderBy(c => c.Order).ToList();
        foreach (var part in parts)
        {
            await part.ContributeAsync(sync, ct);
        }
        await db.SaveChangesAsync(ct);
        foreach (var part in parts)
        {
            await part.AfterSaveAsync(sync, ct);
        }
        // As late as possible: the agent takes the midpoint of its round trip as the moment of this reading.
        sync.Response.CenterTimeUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        return sync.Response;
    }

    /// <summary>The push channel (<see cref="Push.AgentPushStream"/>).</summary>
    public override Task Subscribe(SubscribeRequest request, IServerStreamWriter<Nudge> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return push.ServeAsync(current.Agent, responseStream, context.CancellationToken);
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
        // A lease is for a run of the agent's own: made-up or another agent's task ids would let one VM take a host's slots.
        if (!await tasks.HasOpenRunAsync(caller.AgentId, request.TaskId, context.CancellationToken))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "'task_id' is not an unfinished task of this agent"));
        }
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
}

using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>A sync's assignment part: the scan servers the agent may use, preferred first (<see cref="ScanServerAssignment"/>),
/// from this center's own and, on a tenant center, the main center's for the tenant's segment (<see cref="Hierarchy.LinkedScanServers"/>).</summary>
public sealed class AssignmentSync(ScanServerCandidateCache candidates, Hierarchy.LinkedScanServers linked, IOptions<IntegrationOptions> options)
    : IAgentSyncContributor
{
    public int Order => SyncOrder.Assignment;

    public async Task ContributeAsync(AgentSyncContext sync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sync);
        var settings = options.Value;
        var caller = sync.Caller;
        var known = (await candidates.CandidatesAsync(caller.Segment, caller.HypervisorHost, cancellationToken))
            .Concat(await linked.CandidatesAsync(caller.TenantId, caller.Segment, sync.Now, cancellationToken));
        var ordered = ScanServerAssignment.Order(known,
            new AssignmentRequest(caller.HypervisorHost, caller.Segment, TenantActive: true, settings.RequiredEngineVersion),
            sync.Now, settings.DownAfter);
        sync.Response.ScanServers.AddRange(ordered.Select(s => new Protocol.Center.ScanServerAssignment
        {
            Address = s.Address,
            CertificateSha256 = s.CertificateSha256,
            HypervisorHost = s.HypervisorHost,
            ServerId = s.ServerId,
        }));
    }
}

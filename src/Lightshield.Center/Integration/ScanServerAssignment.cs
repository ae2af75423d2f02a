namespace Lightshield.Center.Integration;

/// <summary>What assignment needs to know about one scan server.</summary>
public sealed record ScanServerCandidate(
    string ServerId,
    string Address,
    string CertificateSha256,
    string HypervisorHost,
    string Segment,
    int Capacity,
    double Load,
    string EngineVersion,
    DateTimeOffset LastSeenAt);

/// <summary>Who asks for an assignment: the agent's host and segment, whether its tenant is active, and the engine
/// version the provider requires (null: any).</summary>
public sealed record AssignmentRequest(string HypervisorHost, string Segment, bool TenantActive, string? RequiredEngineVersion);

/// <summary>
/// Orders the scan servers an agent may use, preferred first. Hard filters: the tenant is active, the server is up
/// (heard from within the down threshold), it serves the agent's segment, and it runs the required engine version.
/// Then: servers on the agent's own hypervisor host before the others, and within each group the least loaded first
/// (load is reported per unit of capacity, so a big and a small server compare fairly; ties go to the larger capacity,
/// then to the server id, so the order is stable).
/// </summary>
public static class ScanServerAssignment
{
    public static IReadOnlyList<ScanServerCandidate> Order(IEnumerable<ScanServerCandidate> servers, AssignmentRequest request,
        DateTimeOffset now, TimeSpan downAfter)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(request);
        if (!request.TenantActive)
        {
            return [];
        }
        return servers
            .Where(s => !ScanServerHealth.IsDown(s.LastSeenAt, now, downAfter))
            .Where(s => string.Equals(s.Segment, request.Segment, StringComparison.Ordinal))
            .Where(s => request.RequiredEngineVersion is null || string.Equals(s.EngineVersion, request.RequiredEngineVersion, StringComparison.Ordinal))
            .OrderByDescending(s => string.Equals(s.HypervisorHost, request.HypervisorHost, StringComparison.OrdinalIgnoreCase))
            .ThenBy(s => double.IsFinite(s.Load) ? Math.Max(s.Load, 0) : double.MaxValue)
            .ThenByDescending(s => s.Capacity)
            .ThenBy(s => s.ServerId, StringComparer.Ordinal)
            .ToList();
    }
}

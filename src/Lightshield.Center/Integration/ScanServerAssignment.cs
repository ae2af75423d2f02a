using Lightshield.Protocol.Center;

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
    DateTimeOffset LastSeenAt,
    string Site = SiteNames.Default);

/// <summary>Who asks for an assignment: the agent's host and segment, whether its tenant is active, and the engine
/// version the provider requires (null: any).</summary>
public sealed record AssignmentRequest(string HypervisorHost, string Segment, bool TenantActive, string? RequiredEngineVersion);

/// <summary>
/// Orders the scan servers an agent may use, preferred first. Hard filters: the tenant is active, the server is in the
/// agent's site, it is up (heard from within the down threshold), it serves the agent's segment, and it runs the required
/// engine version. Then: servers on the agent's own hypervisor host before the others, and within each group the least
/// loaded first (load is reported per unit of capacity, so a big and a small server compare fairly; ties go to the larger
/// capacity, then to the server id, so the order is stable).
/// <para>The agent's site is the site of the scan servers registered on its hypervisor host, up or down (their tokens
/// bind host and site, so it is the provider's word, not the VM's); an agent on a host without one is in the default site
/// (decision 50). There is no failover to another site: when every server of a site is down, its agents get an empty
/// list and keep the servers they have.</para>
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
        var known = servers as IReadOnlyCollection<ScanServerCandidate> ?? [.. servers];
        var site = SiteOf(request.HypervisorHost, known);
        return known
            .Where(s => string.Equals(s.Site, site, StringComparison.Ordinal))
            .Where(s => !ScanServerHealth.IsDown(s.LastSeenAt, now, downAfter))
            .Where(s => string.Equals(s.Segment, request.Segment, StringComparison.Ordinal))
            .Where(s => request.RequiredEngineVersion is null || string.Equals(s.EngineVersion, request.RequiredEngineVersion, StringComparison.Ordinal))
            .OrderByDescending(s => IsOnHost(s, request.HypervisorHost))
            .ThenBy(s => double.IsFinite(s.Load) ? Math.Max(s.Load, 0) : double.MaxValue)
            .ThenByDescending(s => s.Capacity)
            .ThenBy(s => s.ServerId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The site of <paramref name="hypervisorHost"/>: that of the servers registered on it (the first by name,
    /// should tokens ever disagree), else the default site.</summary>
    public static string SiteOf(string hypervisorHost, IEnumerable<ScanServerCandidate> servers) =>
        servers.Where(s => IsOnHost(s, hypervisorHost)).Select(s => s.Site).Order(StringComparer.Ordinal).FirstOrDefault() ?? SiteNames.Default;

    private static bool IsOnHost(ScanServerCandidate server, string hypervisorHost) =>
        string.Equals(server.HypervisorHost, hypervisorHost, StringComparison.OrdinalIgnoreCase);
}

using Lightshield.Center.Api;
using Lightshield.Center.Identity;
using Lightshield.Protocol.Policies;

namespace Lightshield.Center.Health;

/// <summary><c>/api/v1/health</c>: a tenant's agents judged green, amber or red with the reasons, and one agent's whole
/// report (tenant-private); <c>/api/v1/health/tenants</c>: the provider's counts per tenant.</summary>
internal static class HealthEndpoints
{
    public static void MapHealthEndpoints(this RouteGroupBuilder api)
    {
        var health = api.MapGroup("/health").WithTags("Health");
        health.MapGet("/", async (HealthQueries queries, CancellationToken ct) => TypedResults.Ok(TenantHealthResponse.From(await queries.TenantAsync(ct))))
            .RequireAuthorization(Policies.TenantReader)
            .WithSummary("My agents' health: counts per level and each agent (worst first) with the reasons it is not green.");
        health.MapGet("/agents/{agentId:guid}", async (Guid agentId, HealthQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.AgentAsync(agentId, ct), AgentHealthResponse.From, "agent", agentId))
            .RequireAuthorization(Policies.TenantReader)
            .WithSummary("One agent's health: the assessment and its whole last report.");
        health.MapGet("/tenants", async (HealthQueries queries, CancellationToken ct) => TypedResults.Ok(await queries.TenantCountsAsync(ct)))
            .RequireAuthorization(Policies.ProviderStaff)
            .WithSummary("Per tenant, how many agents are green, amber and red (counts only).");
    }

    internal static string Name(HealthLevel level) => level switch
    {
        HealthLevel.Green => "green",
        HealthLevel.Amber => "amber",
        _ => "red",
    };
}

/// <param name="Level">green, amber or red.</param>
public sealed record HealthReasonResponse(string Level, string Check, string Message);

/// <param name="Level">green, amber or red.</param>
public sealed record AgentHealthSummaryResponse(Guid AgentId, string HostName, Guid GroupId, string GroupName, DateTimeOffset? LastSeenAt,
    DateTimeOffset? ReportedAt, string Level, IReadOnlyList<HealthReasonResponse> Reasons)
{
    public static AgentHealthSummaryResponse From(AgentHealthView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(view.AgentId, view.HostName, view.GroupId, view.GroupName, view.LastSeenAt, view.ReportedAt, HealthEndpoints.Name(view.Assessment.Level),
            [.. view.Assessment.Reasons.Select(r => new HealthReasonResponse(HealthEndpoints.Name(r.Level), r.Check, r.Message))]);
    }
}

public sealed record TenantHealthResponse(int Green, int Amber, int Red, IReadOnlyList<AgentHealthSummaryResponse> Agents)
{
    public static TenantHealthResponse From(TenantHealthView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        return new(view.Green, view.Amber, view.Red, [.. view.Agents.Select(AgentHealthSummaryResponse.From)]);
    }
}

/// <param name="PendingUpdates">Null when unknown (no apt or dnf, or not checked yet); likewise the other counts.</param>
/// <param name="ClockSkewMs">Agent clock minus center clock; null before it was measured.</param>
/// <param name="Firewall">enforcing, monitor, off, drifted or failed; <c>unknown</c> until the agent reports its firewall.</param>
/// <param name="FirewallRulesSha256">Hash of the agent's applied table; empty when off or unknown.</param>
/// <param name="FirewallCounters">Hits per rule, most first (in monitor mode: what each rule would have blocked).</param>
/// <param name="FirewallLeftOut">Rules of the policy this VM cannot apply (a user, group or service it does not have), each
/// with the reason.</param>
public sealed record AgentHealthResponse(AgentHealthSummaryResponse Agent, string? OperatingSystem, string? Kernel, long? UptimeSeconds,
    bool? OnAccessConfigured, bool? OnAccessActive, string? OnAccessFailure, DateTimeOffset? LastFullScanAt, DateTimeOffset? LastMemoryScanAt,
    string? ScanServer, bool? ScanServerReachable, string? DatabaseVersion, long? DatabaseAgeSeconds, IReadOnlyList<FileSystemHealth> FileSystems,
    string? UpdateManager, int? PendingUpdates, int? PendingSecurityUpdates, int? FailedUnitsCount, IReadOnlyList<string> FailedUnits,
    bool? RebootRequired, long? ClockSkewMs, string Firewall, string? FirewallRulesSha256, int? FirewallRepairs,
    IReadOnlyList<FirewallRuleHits> FirewallCounters, IReadOnlyList<string> FirewallLeftOut)
{
    public static AgentHealthResponse From(AgentHealthDetail detail)
    {
        ArgumentNullException.ThrowIfNull(detail);
        var report = detail.Report;
        return new(AgentHealthSummaryResponse.From(detail.Agent), detail.OperatingSystem, detail.Kernel, detail.UptimeSeconds, report?.OnAccessConfigured,
            report?.OnAccessActive, report?.OnAccessFailure, report?.LastFullScanAt, report?.LastMemoryScanAt, detail.ScanServer, detail.ScanServerReachable,
            detail.DatabaseVersion, report?.DatabaseAgeSeconds, detail.FileSystems, report?.UpdateManager, report?.PendingUpdates,
            report?.PendingSecurityUpdates, report?.FailedUnitsCount, detail.FailedUnits, report?.RebootRequired, report?.ClockSkewMs, detail.Firewall,
            report?.FirewallRulesSha256, report?.FirewallRepairs, detail.FirewallCounters, detail.FirewallLeftOut);
    }
}

using Lightshield.Protocol.Transport;

namespace Lightshield.Agent.Configuration;

/// <summary>The agent's settings (section <c>Agent</c> of <c>/etc/lightshield/agent.json</c>, or
/// <c>LIGHTSHIELD_Agent__...</c> variables). Standalone, the scan servers are listed here; with a <see cref="Center"/>,
/// the center enrols the agent and assigns them.</summary>
public sealed record AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Scan servers in order of preference. Required without a <see cref="Center"/>; with one, used only
    /// until its first assignment.</summary>
    public IReadOnlyList<ScanServerEndpoint> ScanServers { get; init; } = [];

    /// <summary>The center (<c>https://host:port</c>) that enrols this agent and sends its scan servers, policy, tasks
    /// and restore orders. None = standalone.</summary>
    public Uri? Center { get; init; }

    /// <summary>SHA-256 fingerprint of the center's certificate, pinned (a self-signed center); none = the system's
    /// trust store decides.</summary>
    public string? CenterCertificateSha256 { get; init; }

    /// <summary>The tenant's enrolment token, used once when the agent has no credential yet. Never logged.</summary>
    public string? EnrolmentToken { get; init; }

    /// <summary>A file holding the enrolment token (read at each attempt), instead of <see cref="EnrolmentToken"/>.</summary>
    public string? EnrolmentTokenFile { get; init; }

    /// <summary>The VM's name as the center shows it (agents are named by it on the command line). Default the machine
    /// name.</summary>
    public string HostName { get; init; } = Environment.MachineName;

    /// <summary>The hypervisor host the VM runs on, as the cloud tells it; the center prefers scan servers on it.
    /// Default the machine name.</summary>
    public string HypervisorHost { get; init; } = Environment.MachineName;

    /// <summary>The VM's instance id as the cloud platform knows it, sent at enrolment so the center takes the vCPUs
    /// from the provider's inventory. Default: the DMI product UUID the hypervisor gives the guest
    /// (<c>/sys/class/dmi/id/product_uuid</c>), none where there is none.</summary>
    public string? InstanceId { get; init; }

    /// <summary>The agent group to enrol in; none = the tenant's default group.</summary>
    public string? Group { get; init; }

    /// <summary>The tenant this VM belongs to (fair queuing on scan servers). Default <c>default</c>.</summary>
    public string Tenant { get; init; } = "default";

    /// <summary>Job queue, file index and events (SQLite). Default <c>/var/lib/lightshield/agent</c>.</summary>
    public string StateDirectory { get; init; } = "/var/lib/lightshield/agent";

    /// <summary>A scan server silent this long is left for the next one. Default 30 s.</summary>
    public TimeSpan FailoverTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the agent checks whether its preferred scan server is back. Default 60 s.</summary>
    public TimeSpan PreferredRetryInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Disk read budget for scans in MB/s, to spare shared storage; 0 = unlimited. Default 50.</summary>
    public double ReadRateMegabytesPerSecond { get; init; } = 50;

    /// <summary>Files per look-up batch. Default 256.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Paths never scanned on demand (globs). Default: the kernel's pseudo file systems.</summary>
    public IReadOnlyList<string> Exclusions { get; init; } = ["/proc/**", "/sys/**", "/dev/**", "/run/**"];

    /// <summary>Every problem with these settings, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ScanServers.Count == 0 && Center is null)
        {
            errors.Add("Agent:ScanServers lists no scan server; add at least one { \"Address\": \"https://host:7443\" }, or set Agent:Center.");
        }
        if (Center is not null && !ServerAddress.IsAcceptable(Center))
        {
            errors.Add($"Agent:Center '{Center}' is not an https:// address (http:// only on loopback).");
        }
        if (string.IsNullOrWhiteSpace(HostName))
        {
            errors.Add("Agent:HostName is empty.");
        }
        if (InstanceId is { Length: > 0 } instance && !Protocol.Center.InstanceIds.IsValid(instance.Trim()))
        {
            errors.Add($"Agent:InstanceId must be at most {Protocol.Center.InstanceIds.MaxLength} letters, digits, '.', '_', ':' or '-'.");
        }
        if (string.IsNullOrWhiteSpace(HypervisorHost))
        {
            errors.Add("Agent:HypervisorHost is empty.");
        }
        errors.AddRange(ScanServers.Where(s => !ServerAddress.IsAcceptable(s.Address))
            .Select(s => $"Agent:ScanServers entry '{s.Address}' is not an https:// address (http:// only on loopback)."));
        if (string.IsNullOrWhiteSpace(Tenant))
        {
            errors.Add("Agent:Tenant is empty.");
        }
        if (FailoverTimeout <= TimeSpan.Zero)
        {
            errors.Add($"Agent:FailoverTimeout must be positive, not {FailoverTimeout}.");
        }
        if (ReadRateMegabytesPerSecond < 0)
        {
            errors.Add($"Agent:ReadRateMegabytesPerSecond cannot be negative ({ReadRateMegabytesPerSecond}).");
        }
        if (BatchSize is < 1 or > 10_000)
        {
            errors.Add($"Agent:BatchSize must be between 1 and 10000, not {BatchSize}.");
        }
        return errors;
    }
}

namespace Lightshield.Agent.Configuration;

/// <summary>The agent's settings (section <c>Agent</c> of <c>/etc/lightshield/agent.json</c>, or
/// <c>LIGHTSHIELD_Agent__...</c> variables). Until the center assigns scan servers, they are listed here.</summary>
public sealed record AgentOptions
{
    public const string Section = "Agent";

    /// <summary>Scan servers in order of preference. Required.</summary>
    public IReadOnlyList<ScanServerEndpoint> ScanServers { get; init; } = [];

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
        if (ScanServers.Count == 0)
        {
            errors.Add("Agent:ScanServers lists no scan server; add at least one { \"Address\": \"https://host:7443\" }.");
        }
        errors.AddRange(ScanServers.Where(s => s.Address is null || !s.Address.IsAbsoluteUri || s.Address.Scheme is not ("https" or "http"))
            .Select(s => $"Agent:ScanServers entry '{s.Address}' is not an https:// address."));
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

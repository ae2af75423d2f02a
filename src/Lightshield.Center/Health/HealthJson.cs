using System.Text.Json;

namespace Lightshield.Center.Health;

/// <summary>The JSON form of the lists kept in <see cref="AgentHealth"/>'s text columns.</summary>
internal static class HealthJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<FileSystemHealth> FileSystems(AgentHealth health) =>
        JsonSerializer.Deserialize<List<FileSystemHealth>>(health.FileSystemsJson, Options) ?? [];

    public static IReadOnlyList<string> FailedUnits(AgentHealth health) =>
        JsonSerializer.Deserialize<List<string>>(health.FailedUnitsJson, Options) ?? [];

    public static IReadOnlyList<string> FirewallLeftOut(AgentHealth health) =>
        JsonSerializer.Deserialize<List<string>>(health.FirewallLeftOutJson, Options) ?? [];

    /// <summary>Most packets first: in monitor mode, what each rule would have blocked.</summary>
    public static IReadOnlyList<FirewallRuleHits> FirewallCounters(AgentHealth health) =>
        [.. (JsonSerializer.Deserialize<List<FirewallRuleHits>>(health.FirewallCountersJson, Options) ?? []).OrderByDescending(c => c.Packets)];
}

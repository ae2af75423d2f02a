namespace Lightshield.Center.Push;

/// <summary>Whom to nudge after a save, each with the reason: agents by id, every agent of a group or of a tenant.</summary>
public sealed class NudgeTargets
{
    public Dictionary<Guid, string> Agents { get; } = [];

    public Dictionary<Guid, string> Groups { get; } = [];

    public Dictionary<Guid, string> Tenants { get; } = [];

    /// <summary>Agents revoked: their streams end.</summary>
    public HashSet<Guid> Revoked { get; } = [];

    public bool IsEmpty => Agents.Count == 0 && Groups.Count == 0 && Tenants.Count == 0 && Revoked.Count == 0;
}

/// <summary>The reasons a nudge gives (the agent syncs for all of them but <see cref="Hello"/> and <see cref="KeepAlive"/>).</summary>
public static class NudgeReasons
{
    public const string Tasks = "tasks";
    public const string Policy = "policy";
    public const string Restores = "restores";
    public const string Hunts = "hunts";
    public const string Tenant = "tenant";
    public const string Hello = "hello";
    public const string KeepAlive = "keepalive";
}

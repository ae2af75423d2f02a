using Lightshield.Center.Tenancy;

namespace Lightshield.Center.Updates;

/// <summary>A promotion (or rollback) of a version to the fleet: first to the canary scan servers, then to all once
/// the canaries have run it healthily for the soak time. The newest rollout is the one in force. Provider infrastructure.</summary>
public sealed class UpdateRollout : IProviderInfrastructure
{
    public long Id { get; set; }

    /// <summary><see cref="UpdateRolloutKinds"/>.</summary>
    public required string Kind { get; set; }

    public long TargetVersionId { get; set; }

    /// <summary>What the scan servers that are not canaries run until the rollout goes to all: the version the whole
    /// fleet had before (null: none, they keep their own database).</summary>
    public long? BaselineVersionId { get; set; }

    /// <summary>Ids of the canary scan servers, chosen at promotion, one per line.</summary>
    public string CanaryServerIds { get; set; } = "";

    /// <summary><see cref="UpdateRolloutPhases"/>.</summary>
    public required string Phase { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FullAt { get; set; }

    public required string StartedBy { get; set; }

    /// <summary>Why the rollout halted (a canary failed to load the version).</summary>
    public string? HaltReason { get; set; }

    public IReadOnlySet<string> Canaries() =>
        CanaryServerIds.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
}

public static class UpdateRolloutKinds
{
    public const string Promote = "promote";
    public const string Rollback = "rollback";
}

public static class UpdateRolloutPhases
{
    /// <summary>Only the canaries get the target; the others stay on the baseline.</summary>
    public const string Canary = "canary";

    /// <summary>Every scan server gets the target.</summary>
    public const string Full = "full";

    /// <summary>A canary failed with the target: the others stay on the baseline until a rollback or a new promotion.</summary>
    public const string Halted = "halted";
}

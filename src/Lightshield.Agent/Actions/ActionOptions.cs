using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Actions;

/// <summary>What to do with detections (configuration section <c>Actions</c>). The actions are the policy's own
/// <see cref="DetectionAction"/>; with a center, its policy replaces them (see <c>EffectivePolicy</c>).</summary>
public sealed record ActionOptions
{
    public const string Section = "Actions";

    /// <summary>Action for files found infected on access (on open, or after a write). Default <see cref="DetectionAction.Deny"/>.</summary>
    public DetectionAction OnAccess { get; init; } = DetectionAction.Deny;

    /// <summary>Action for files found infected by on-demand, scheduled and memory scans. Default <see cref="DetectionAction.Report"/>.</summary>
    public DetectionAction OnDemand { get; init; } = DetectionAction.Report;

    /// <summary>The tenant's quarantine <b>public</b> key (PEM <c>PUBLIC KEY</c>, from <c>lightshield quarantine keygen</c>).
    /// Required when an action is <see cref="DetectionAction.Quarantine"/>.</summary>
    public string? QuarantinePublicKeyFile { get; init; }

    /// <summary>The vault directory. Default <c>quarantine</c> in the agent's state directory.</summary>
    public string? QuarantineDirectory { get; init; }

    /// <summary>Written in plaintext into each vault item, to tell VMs apart. Default the host name.</summary>
    public string? AgentId { get; init; }

    /// <summary>Every problem with these settings, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (name, action) in new[] { ("OnAccess", OnAccess), ("OnDemand", OnDemand) })
        {
            if (!Enum.IsDefined(action))
            {
                errors.Add($"Actions:{name}: '{action}' is not an action (Report, Deny, Quarantine, Delete).");
            }
        }
        if (OnAccess == DetectionAction.Quarantine || OnDemand == DetectionAction.Quarantine)
        {
            if (string.IsNullOrWhiteSpace(QuarantinePublicKeyFile))
            {
                errors.Add("Actions:QuarantinePublicKeyFile is required for the Quarantine action: the tenant's public key (lightshield quarantine keygen).");
            }
            else if (!File.Exists(QuarantinePublicKeyFile))
            {
                errors.Add($"Actions:QuarantinePublicKeyFile: {QuarantinePublicKeyFile} does not exist.");
            }
        }
        return errors;
    }
}

namespace Lightshield.Agent.Actions;

/// <summary>What the agent does with an infected file (policy "actions"). The values are written into settings files:
/// do not renumber.</summary>
public enum DetectionAction
{
    /// <summary>Report only: the file stays and, on access, its open is allowed (audit mode, to try a policy out).</summary>
    Report = 0,

    /// <summary>Report; on access, the open is denied (<c>EPERM</c>). The file stays in place.</summary>
    Deny = 1,

    /// <summary>Deny, then move the file into the encrypted quarantine vault (only the tenant can restore it).</summary>
    Quarantine = 2,

    /// <summary>Deny, then delete the file.</summary>
    Delete = 3,
}

namespace Lightshield.Agent.OnAccess;

/// <summary>What an open gets when no decision arrives in time or the decision failed.</summary>
public enum FailPolicy
{
    /// <summary>Allow the open (availability first).</summary>
    FailOpen = 0,

    /// <summary>Deny the open with <c>EPERM</c> (protection first).</summary>
    FailClosed = 1,
}

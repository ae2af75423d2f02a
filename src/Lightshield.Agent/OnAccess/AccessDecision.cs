namespace Lightshield.Agent.OnAccess;

/// <summary>The answer to a permission event: the opening process's <c>open()</c> succeeds or fails with
/// <c>EPERM</c>.</summary>
public enum AccessDecision
{
    Allow = 0,
    Deny = 1,
}

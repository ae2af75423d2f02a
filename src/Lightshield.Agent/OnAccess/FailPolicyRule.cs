namespace Lightshield.Agent.OnAccess;

/// <summary>The fail policy for files under <paramref name="PathPrefix"/> (an absolute directory; the longest
/// matching prefix wins).</summary>
public sealed record FailPolicyRule(string PathPrefix, FailPolicy Policy);

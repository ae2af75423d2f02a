namespace Lightshield.Agent.Firewall;

/// <summary>A policy turned into one libnftables JSON batch that replaces the agent's table.</summary>
/// <param name="Commands">The batch: create-if-missing, delete and recreate <c>inet lightshield</c>, in one transaction.</param>
/// <param name="RuleNames">The policy's rule names by index; counters come back under <c>rule N</c> comments.</param>
/// <param name="Skipped">Rules left out on this VM, with the reason (a user or group it does not have).</param>
public sealed record CompiledFirewall(string Commands, IReadOnlyList<string> RuleNames, IReadOnlyList<string> Skipped);

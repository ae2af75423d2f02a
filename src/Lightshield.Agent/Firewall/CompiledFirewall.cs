namespace Lightshield.Agent.Firewall;

/// <summary>A policy turned into one libnftables JSON batch that replaces the agent's table.</summary>
/// <param name="Commands">The batch: create-if-missing, delete and recreate <c>inet lightshield</c>, in one transaction.</param>
/// <param name="RuleNames">The policy's rule names by index; counters come back under <c>rule N</c> comments.</param>
/// <param name="Skipped">Rules left out on this VM, with the reason (a user, group or service it does not have).</param>
/// <param name="Services">The services the rules name, with the id of the cgroup each rule was compiled against (null:
/// not running, its rules left out): when one changes, the table must be compiled again.</param>
public sealed record CompiledFirewall(string Commands, IReadOnlyList<string> RuleNames, IReadOnlyList<string> Skipped,
    IReadOnlyDictionary<string, ulong?> Services);

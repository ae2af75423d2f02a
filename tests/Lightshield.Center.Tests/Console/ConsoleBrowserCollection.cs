namespace Lightshield.Center.Tests.Console;

/// <summary>The browser tests run alone, after the parallel test classes of this assembly. Each of their steps waits
/// for a page that a real center, scan server, agent and chromium produce together; run beside the other classes
/// (hundreds of 600,000-round password derivations, the storm simulations) on a two-core machine, one click's round
/// trip took longer than any bound a test should set, and the test failed for the machine's load, not for the
/// console's behaviour.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleBrowserCollection
{
    public const string Name = "Console browser";
}

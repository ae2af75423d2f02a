using System.CommandLine;

namespace Lightshield.Bench.Agent;

internal static class FirewallCommand
{
    public static Command Create()
    {
        var rules = new Option<int>("--rules") { Description = "Rules in the policy", DefaultValueFactory = _ => 500 };
        var repetitions = new Option<int>("--repetitions") { Description = "Runs of each step (drift checks: ten times as many)", DefaultValueFactory = _ => 20 };
        var command = new Command("firewall", """
            The agent's firewall (root; in a network namespace of its own): validate, compile and apply a policy of
            --rules rules through libnftables, and the CPU of one drift check.
            """) { rules, repetitions };
        command.SetAction(parse =>
        {
            if (!Environment.IsPrivilegedProcess)
            {
                Console.Error.WriteLine("firewall: needs root (a network namespace and nftables)");
                return 2;
            }
            Console.Write(FirewallBenchmark.Run(parse.GetValue(rules), parse.GetValue(repetitions)));
            return 0;
        });
        return command;
    }
}

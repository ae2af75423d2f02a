using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Lightshield.Agent.Firewall;
using Lightshield.Bench.Support;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Bench.Agent;

/// <summary>
/// The firewall's costs with a policy of <c>rules</c> rules, in a network namespace of its own (the host's tables are
/// never touched): validating the policy JSON, compiling it, applying it (one libnftables transaction, then the listing
/// that drift checks compare with), and one drift check (list, normalise, hash, counters) — the work the agent repeats
/// every 30 s. CPU is this process's (libnftables runs in it), over many repetitions.
/// </summary>
internal static partial class FirewallBenchmark
{
    public static string Run(int rules, int repetitions)
    {
        var json = PolicyJsonWith(rules);
        var namespaceName = $"lsbench-fw-{Environment.ProcessId}";
        Ip("netns", "add", namespaceName);
        try
        {
            return OnThreadIn(namespaceName, () => Measure(json, rules, repetitions));
        }
        finally
        {
            Ip("netns", "del", namespaceName);
        }
    }

    private static string Measure(string json, int rules, int repetitions)
    {
        using var nftables = new NftablesContext();
        var channels = new AgentChannels(() => [("center", new Uri("https://192.0.2.10:8443")), ("scan server", new Uri("https://192.0.2.11:7443"))]);
        var enforcer = new FirewallEnforcer(nftables, channels, new LocalAccounts(), new ServiceCgroups(), NullLogger<FirewallEnforcer>.Instance);
        var policy = PolicyJson.Parse(json).Firewall;
        var empty = new FirewallPolicy { Mode = FirewallNames.Monitor };

        var validate = Time(repetitions, () => PolicyJson.Parse(json));
        var compile = Time(repetitions, () => FirewallRuleset.Compile(policy, channels.Current(), new LocalAccounts()));
        var applyEmpty = Time(repetitions, () => enforcer.Apply(empty));
        var apply = Time(repetitions, () => enforcer.Apply(policy));
        var checks = repetitions * 10;
        var check = Time(checks, () =>
        {
            if (enforcer.Check() is not null)
            {
                throw new InvalidOperationException("drift during the benchmark");
            }
        });
        enforcer.Remove();

        var table = new MarkdownTable("step", $"{rules} rules: median wall", "CPU per run", "vs. empty policy");
        table.Add("validate (PolicyJson.Parse)", Ms(validate.Median), Ms(validate.Cpu), "—");
        table.Add("compile to libnftables JSON", Ms(compile.Median), Ms(compile.Cpu), "—");
        table.Add("apply (validate not included)", Ms(apply.Median), Ms(apply.Cpu), $"{apply.Median / applyEmpty.Median:0.0}× ({Ms(applyEmpty.Median)})");
        table.Add("drift check (list, hash, counters)", Ms(check.Median), Ms(check.Cpu), "—");
        var share = check.Cpu / 30.0 * 100;
        return $"{table}\nDrift check every 30 s: {share:0.0000} % of one core ({Ms(check.Cpu)} CPU per check, {checks} checks).\n";
    }

    private static (double Median, double Cpu) Time(int repetitions, Action work)
    {
        work();
        var wall = new List<double>(repetitions);
        var cpu = CpuClock.Now();
        for (var i = 0; i < repetitions; i++)
        {
            var started = Stopwatch.GetTimestamp();
            work();
            wall.Add(Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        return (Stats.Median(wall), (CpuClock.Now() - cpu).Self / repetitions);
    }

    private static string Ms(double seconds) => $"{seconds * 1000:0.00} ms";

    /// <summary>A mix as tenants write them: inbound services from address lists and zones, outbound denials, UDP,
    /// ICMP types, user-scoped rules, every fifth rule a log rule.</summary>
    internal static string PolicyJsonWith(int rules)
    {
        var text = new StringBuilder("""{"firewall":{"mode":"enforcing","defaultInbound":"deny","defaultOutbound":"allow","zones":{"office":["198.51.100.0/24","2001:db8:1::/48"],"backup":["203.0.113.0/28"]},"rules":[""");
        for (var i = 0; i < rules; i++)
        {
            text.Append(i > 0 ? "," : "").Append((i % 5) switch
            {
                0 => $$"""{"name":"svc {{i}}","direction":"inbound","protocol":"tcp","localPorts":["{{1000 + i}}","{{20000 + i}}-{{20010 + i}}"],"remoteAddresses":["office","10.{{i % 250}}.0.0/16"],"action":"allow"}""",
                1 => $$"""{"name":"out {{i}}","direction":"outbound","remoteAddresses":["192.0.2.{{i % 250}}","2001:db8:ffff::{{i:x}}"],"action":"deny"}""",
                2 => $$"""{"name":"dns {{i}}","direction":"outbound","protocol":"udp","remotePorts":["53"],"remoteAddresses":["backup"],"action":"allow"}""",
                3 => $$"""{"name":"user {{i}}","direction":"outbound","protocol":"tcp","remotePorts":["{{3000 + i}}"],"user":"nobody","action":"reject"}""",
                _ => $$"""{"name":"log {{i}}","direction":"inbound","protocol":"icmp","icmpTypes":["echo-request"],"action":"log"}""",
            });
        }
        return text.Append("]}}").ToString();
    }

    private static T OnThreadIn<T>(string namespaceName, Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{namespaceName}");
                if (SetNs(handle.DangerousGetHandle().ToInt32(), 0x40000000) != 0)
                {
                    throw new IOException($"setns: errno {Marshal.GetLastPInvokeError()}");
                }
                result = work();
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result : throw new InvalidOperationException("the firewall benchmark failed", failure);
    }

    private static void Ip(params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {error}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int type);
}

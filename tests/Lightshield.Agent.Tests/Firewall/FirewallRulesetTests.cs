using System.Net;
using System.Text.Json;
using Lightshield.Agent.Firewall;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>The policy-to-nftables translation and the channel check, without a kernel.</summary>
public sealed class FirewallRulesetTests
{
    private static readonly AgentChannel Center = new("center", IPAddress.Parse("192.0.2.10"), 8443);

    [Fact]
    public void Compile_ReplacesOnlyTheAgentsTable_InOneBatch()
    {
        var compiled = FirewallRuleset.Compile(Policy("""{"mode":"enforcing","rules":[{"name":"ssh","direction":"inbound","protocol":"tcp","localPorts":["22"],"action":"allow"}]}"""),
            [Center], new LocalAccounts());
        var commands = JsonDocument.Parse(compiled.Commands).RootElement.GetProperty("nftables").EnumerateArray().ToList();
        Assert.Equal(["add", "delete", "add"], commands.Take(3).Select(c => c.EnumerateObject().Single().Name));
        Assert.All(commands, c =>
        {
            var body = c.EnumerateObject().Single().Value.EnumerateObject().Single().Value;
            Assert.Equal("inet", body.GetProperty("family").GetString());
            Assert.Equal("lightshield", body.TryGetProperty("table", out var table) ? table.GetString() : body.GetProperty("name").GetString());
        });
        Assert.DoesNotContain(commands, c => c.TryGetProperty("flush", out _));
        Assert.Equal(["ssh"], compiled.RuleNames);
    }

    [Fact]
    public void Compile_PutsTheChannelsBeforeTheTenantsRules()
    {
        var compiled = FirewallRuleset.Compile(Policy("""{"mode":"enforcing","defaultOutbound":"deny","rules":[{"name":"all out","direction":"outbound","action":"deny"}]}"""),
            [Center], new LocalAccounts());
        var comments = JsonDocument.Parse(compiled.Commands).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(c => c.TryGetProperty("add", out var add) && add.TryGetProperty("rule", out _)).Select(c => c.GetProperty("add").GetProperty("rule"))
            .Where(r => r.GetProperty("chain").GetString() == "output").Select(r => r.GetProperty("comment").GetString()).ToList();
        Assert.True(comments.IndexOf("channel: center 192.0.2.10:8443") < comments.IndexOf("rule 0"));
        Assert.Equal(FirewallRuleset.DefaultOutbound, comments[^1]);
    }

    [Fact]
    public void Compile_MixedFamilies_BecomeOneRulePerFamily_UnderOneCounterName()
    {
        var compiled = FirewallRuleset.Compile(Policy("""
            {"mode":"enforcing","zones":{"office":["192.0.2.0/24","2001:db8::/32"]},
             "rules":[{"name":"office","direction":"inbound","remoteAddresses":["office"],"action":"allow"}]}
            """), [], new LocalAccounts());
        Assert.Equal(2, JsonDocument.Parse(compiled.Commands).RootElement.GetProperty("nftables").EnumerateArray()
            .Count(c => c.GetProperty(c.EnumerateObject().Single().Name).TryGetProperty("rule", out var r) && r.GetProperty("comment").GetString() == "rule 0"));
    }

    [Fact]
    public void Compile_SkipsARuleForAUserThisVmDoesNotHave()
    {
        var compiled = FirewallRuleset.Compile(Policy("""{"mode":"enforcing","rules":[{"name":"ghost","direction":"outbound","user":"no-such-user-here","action":"deny"}]}"""),
            [], new LocalAccounts());
        Assert.Contains("no user \"no-such-user-here\"", Assert.Single(compiled.Skipped), StringComparison.Ordinal);
        Assert.DoesNotContain("\"rule 0\"", compiled.Commands, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("monitor", new[] { "set talkers_0_4", "rule talkers 0", "set talkers_0_6", "rule talkers 0", "rule rule 0" })]
    [InlineData("enforcing", new[] { "rule rule 0" })]
    public void Compile_InMonitorMode_PutsATalkerRuleBeforeEachRuleThatWouldBlock(string mode, string[] expected)
    {
        var compiled = FirewallRuleset.Compile(Policy($$"""
            {"mode":"{{mode}}","rules":[{"name":"no telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"deny"},
                                     {"name":"web","direction":"inbound","protocol":"tcp","localPorts":["443"],"action":"allow"}]}
            """), [], new LocalAccounts());
        var added = JsonDocument.Parse(compiled.Commands).RootElement.GetProperty("nftables").EnumerateArray()
            .Where(c => c.TryGetProperty("add", out _)).Select(c => c.GetProperty("add").EnumerateObject().Single())
            .Select(o => o.Name == "set" ? $"set {o.Value.GetProperty("name").GetString()}"
                : o.Name == "rule" ? $"rule {o.Value.GetProperty("comment").GetString()}" : null)
            .Where(n => n is not null && (n.Contains("talkers", StringComparison.Ordinal) || n == "rule rule 0")).ToList();
        Assert.Equal(expected, added);
        // The talker rule carries no verdict: it can never change what happens to a packet.
        var talkerRules = JsonDocument.Parse(compiled.Commands).RootElement.GetProperty("nftables").EnumerateArray()
            .Select(c => c.TryGetProperty("add", out var add) && add.TryGetProperty("rule", out var rule) ? rule : default)
            .Where(r => r.ValueKind == JsonValueKind.Object && r.GetProperty("comment").GetString()!.StartsWith("talkers", StringComparison.Ordinal));
        Assert.All(talkerRules, r => Assert.DoesNotContain(r.GetProperty("expr").EnumerateArray(),
            e => e.TryGetProperty("accept", out _) || e.TryGetProperty("drop", out _) || e.TryGetProperty("reject", out _)));
    }

    [Fact]
    public void Compile_MatchesAServiceByItsCgroup_AndLeavesOutOneThatDoesNotRun()
    {
        var policy = Policy("""
            {"mode":"enforcing","rules":[
              {"name":"web","direction":"inbound","protocol":"tcp","localPorts":["443"],"service":"nginx.service","action":"allow"},
              {"name":"ghost","direction":"outbound","service":"ghost.service","action":"deny"}]}
            """);
        var compiled = FirewallRuleset.Compile(policy, [], new LocalAccounts(), unit => unit == "nginx.service"
            ? new ServiceLookup(new ServiceCgroup("unified/system.slice/nginx.service", 2, 42), "")
            : new ServiceLookup(null, $"this VM runs no service \"{unit}\""));

        var socket = JsonDocument.Parse(compiled.Commands).RootElement.GetProperty("nftables").EnumerateArray()
            .Select(c => c.TryGetProperty("add", out var add) && add.TryGetProperty("rule", out var rule) ? rule : default)
            .Where(r => r.ValueKind == JsonValueKind.Object && r.GetProperty("comment").GetString() == "rule 0")
            .SelectMany(r => r.GetProperty("expr").EnumerateArray())
            .Single(e => e.TryGetProperty("match", out var m) && m.GetProperty("left").TryGetProperty("socket", out _)).GetProperty("match");
        Assert.Equal(("cgroupv2", 2, "unified/system.slice/nginx.service"), (socket.GetProperty("left").GetProperty("socket").GetProperty("key").GetString(),
            socket.GetProperty("left").GetProperty("socket").GetProperty("level").GetInt32(), socket.GetProperty("right").GetString()));
        Assert.Equal(["rule \"ghost\": this VM runs no service \"ghost.service\""], compiled.Skipped);
        Assert.Equal(new Dictionary<string, ulong?> { ["nginx.service"] = 42, ["ghost.service"] = null }, compiled.Services);
    }

    [Fact]
    public void ServiceCgroups_FindsAServiceInTheUnifiedTree_WhereverItsSliceIs()
    {
        var root = Directory.CreateTempSubdirectory("ls-cgroup-").FullName;
        try
        {
            var mountInfo = Path.Combine(root, "mountinfo");
            File.WriteAllText(mountInfo, $"""
                30 24 0:26 / {root}/memory rw,relatime shared:5 - cgroup cgroup rw,memory
                31 24 0:27 / {root}/unified rw,relatime shared:6 - cgroup2 cgroup2 rw
                """);
            Directory.CreateDirectory(Path.Combine(root, "unified", "system.slice", "sshd.service"));
            Directory.CreateDirectory(Path.Combine(root, "unified", "apps.slice", "web.slice", "shop.service"));
            Directory.CreateDirectory(Path.Combine(root, "memory", "system.slice", "v1only.service"));
            var services = new ServiceCgroups(root, mountInfo);

            var sshd = services.Find("sshd.service").Cgroup!;
            Assert.Equal(("unified/system.slice/sshd.service", 2), (sshd.NftPath, sshd.Level));
            Assert.NotEqual(0UL, sshd.Id);
            var shop = services.Find("shop.service").Cgroup!;
            Assert.Equal(("unified/apps.slice/web.slice/shop.service", 3), (shop.NftPath, shop.Level));
            Assert.Equal("this VM runs no service \"v1only.service\" (no cgroup of that name)", services.Find("v1only.service").Reason);
            Assert.StartsWith("cgroup v2 is not mounted", new ServiceCgroups(Path.Combine(root, "elsewhere"), mountInfo).Find("sshd.service").Reason,
                StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void ChannelCheck_RefusesARuleAimedAtTheCenter_ButNotABroadOne()
    {
        var errors = FirewallChannelCheck.Errors(Policy("""
            {"mode":"enforcing","rules":[
              {"name":"cut mgmt","direction":"outbound","remoteAddresses":["192.0.2.0/24"],"action":"deny"},
              {"name":"other port","direction":"outbound","protocol":"tcp","remoteAddresses":["192.0.2.10"],"remotePorts":["22"],"action":"deny"},
              {"name":"everything","direction":"outbound","action":"deny"},
              {"name":"world","direction":"outbound","remoteAddresses":["0.0.0.0/0"],"action":"reject"}]}
            """), [Center], new LocalAccounts());
        var error = Assert.Single(errors);
        Assert.StartsWith("firewall.rules[0] \"cut mgmt\" would deny the agent's channel to its center 192.0.2.10:8443", error, StringComparison.Ordinal);
    }

    internal static FirewallPolicy Policy(string firewallJson) => PolicyJson.Parse($"{{\"firewall\":{firewallJson}}}").Firewall;
}

using Lightshield.Protocol.Policies;

namespace Lightshield.Protocol.Tests.Policies;

public sealed class FirewallPolicyValidationTests
{
    [Fact]
    public void Default_IsOffAndValid_AndAStoredPolicyWithoutFirewallStillParses()
    {
        Assert.Equal("off", new PolicyDocument().Firewall.Mode);
        Assert.Empty(new PolicyDocument().Validate());
        Assert.Equal("off", PolicyJson.Parse("{\"infectedAction\":\"report\"}").Firewall.Mode);
    }

    [Fact]
    public void FullPolicy_RoundTripsThroughJson()
    {
        const string json = """
            {"firewall":{"mode":"enforcing","defaultInbound":"deny","defaultOutbound":"allow",
              "zones":{"office":["192.0.2.0/24","2001:db8::/32"]},
              "rules":[
                {"name":"ssh","direction":"inbound","protocol":"tcp","localPorts":["22"],"remoteAddresses":["office"],"action":"allow"},
                {"name":"ping","direction":"inbound","protocol":"icmp","icmpTypes":["echo-request"],"action":"allow"},
                {"name":"backup user out","direction":"outbound","protocol":"tcp","remotePorts":["873","8000-8100"],"user":"backup","action":"reject"},
                {"name":"log telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"log"},
                {"name":"web server in","direction":"inbound","protocol":"tcp","localPorts":["443"],"service":"nginx.service","action":"allow"}]}}
            """;
        var policy = PolicyJson.Parse(json);
        Assert.Equal(5, policy.Firewall.Rules.Count);
        Assert.Equal("nginx.service", policy.Firewall.Rules[4].Service);
        Assert.Equal(["192.0.2.0/24", "2001:db8::/32"], policy.Firewall.Zones["office"]);
        Assert.Equal(PolicyJson.Serialize(policy), PolicyJson.Serialize(PolicyJson.Parse(PolicyJson.Serialize(policy))));
    }

    [Fact]
    public void Validate_ListsEveryFirewallProblemAtOnce()
    {
        const string json = """
            {"firewall":{"mode":"paranoid","defaultInbound":"log","defaultOutbound":"maybe",
              "zones":{"Bad Zone":["10.0.0.1/8"],"empty":[]},
              "rules":[
                {"name":"","direction":"sideways","protocol":"sctp","action":"explode"},
                {"name":"ports on icmp","direction":"inbound","protocol":"icmp","localPorts":["22"],"action":"deny"},
                {"name":"bad port","direction":"inbound","protocol":"tcp","localPorts":["0","70000","90-80","x"],"action":"deny"},
                {"name":"bad address","direction":"outbound","remoteAddresses":["300.1.1.1","nozone","10.0.0.0/33"],"action":"deny"},
                {"name":"user inbound","direction":"inbound","protocol":"tcp","user":"root;rm -rf /","action":"deny"},
                {"name":"never","direction":"outbound","protocol":"icmpv6","remoteAddresses":["192.0.2.1"],"action":"deny"},
                {"name":"bad icmp","direction":"inbound","protocol":"icmp","icmpTypes":["nd-neighbor-solicit"],"action":"deny"},
                {"name":"bad icmp","direction":"inbound","protocol":"tcp","icmpTypes":["echo-request"],"action":"deny"},
                {"name":"path as service","direction":"inbound","service":"../../etc/x.service","action":"deny"},
                {"name":"not a service","direction":"outbound","service":"sshd","action":"deny"}]}}
            """;
        var errors = Assert.Throws<PolicyException>(() => PolicyJson.Parse(json)).Errors;
        string[] expected =
        [
            "firewall.mode must be one of",
            "firewall.defaultInbound must be one of",
            "firewall.defaultOutbound must be one of",
            "firewall.zones name \"Bad Zone\"",
            "firewall.zones.Bad Zone entry \"10.0.0.1/8\"",
            "firewall.zones.empty must have 1 to",
            "firewall.rules[0].name \"\"",
            "firewall.rules[0] \"\".direction",
            "firewall.rules[0] \"\".protocol",
            "firewall.rules[0] \"\".action",
            "firewall.rules[1] \"ports on icmp\".localPorts needs protocol tcp or udp",
            "firewall.rules[2] \"bad port\".localPorts entry \"0\"",
            "firewall.rules[2] \"bad port\".localPorts entry \"70000\"",
            "firewall.rules[2] \"bad port\".localPorts entry \"90-80\"",
            "firewall.rules[2] \"bad port\".localPorts entry \"x\"",
            "firewall.rules[3] \"bad address\".remoteAddresses entry \"300.1.1.1\"",
            "firewall.rules[3] \"bad address\".remoteAddresses entry \"nozone\"",
            "firewall.rules[3] \"bad address\".remoteAddresses entry \"10.0.0.0/33\"",
            "firewall.rules[4] \"user inbound\".user \"root;rm -rf /\" is not a user",
            "firewall.rules[4] \"user inbound\".user applies to outbound rules only",
            "firewall.rules[5] \"never\" can never match",
            "firewall.rules[6] \"bad icmp\".icmpTypes entry \"nd-neighbor-solicit\"",
            "firewall.rules[7].name \"bad icmp\" is used by an earlier rule",
            "firewall.rules[7] \"bad icmp\".icmpTypes needs protocol icmp or icmpv6",
            "firewall.rules[8] \"path as service\".service \"../../etc/x.service\" is not a systemd service name",
            "firewall.rules[9] \"not a service\".service \"sshd\" is not a systemd service name",
        ];
        foreach (var prefix in expected)
        {
            Assert.Contains(errors, e => e.StartsWith(prefix, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("{\"firewall\":{\"rules\":[{\"name\":\"a\",\"localPorts\":22}]}}")]
    [InlineData("{\"firewall\":{\"rules\":{}}}")]
    [InlineData("{\"firewall\":{\"zones\":{\"a\":\"10.0.0.0/8\"}}}")]
    [InlineData("{\"firewall\":{\"rules\":[{\"name\":\"a\",\"chain\":\"input\"}]}}")]
    [InlineData("{\"firewall\":[]}")]
    public void Garbage_IsRefusedWithAClearError(string json)
    {
        var error = Assert.Throws<PolicyException>(() => PolicyJson.Parse(json));
        Assert.StartsWith("not a policy document:", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void HostileSizes_AreRefusedWithoutEchoingThem()
    {
        var huge = new string('a', 100_000);
        var policy = new PolicyDocument
        {
            Firewall = new FirewallPolicy
            {
                Mode = huge,
                Rules = [.. Enumerable.Range(0, 2001).Select(i => new FirewallRule { Name = $"r{i}" })],
            },
        };
        var errors = policy.Validate();
        Assert.Contains(errors, e => e.StartsWith("firewall.rules has 2001 rules", StringComparison.Ordinal));
        Assert.All(errors, e => Assert.True(e.Length < 300, e));
    }

    [Theory]
    [InlineData("22", 22, 22)]
    [InlineData("8000-8100", 8000, 8100)]
    [InlineData("65535", 65535, 65535)]
    public void Ports_Parse(string text, int from, int to)
    {
        Assert.True(FirewallValues.TryParsePorts(text, out var range));
        Assert.Equal((from, to), range);
    }

    [Theory]
    [InlineData("10.0.0.1", true)]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("2001:db8::/32", true)]
    [InlineData("fe80::1%eth0", false)]
    [InlineData("10.0.0.1/8", false)]
    [InlineData("10.0.0.0/", false)]
    [InlineData("example.com", false)]
    public void Networks_ParseOnlyAddressesAndPrefixes(string text, bool valid) =>
        Assert.Equal(valid, FirewallValues.TryParseNetwork(text, out _));
}

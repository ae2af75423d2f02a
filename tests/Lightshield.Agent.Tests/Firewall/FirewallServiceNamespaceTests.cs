using System.Diagnostics;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Center;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Events;
using Lightshield.Agent.Firewall;
using Lightshield.Agent.Tests.Support;
using Lightshield.Protocol.Policies;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>The firewall as the agent runs it (policy changes, drift checks, stop) in a network namespace, next to a
/// table of the tenant's own that must never change.</summary>
public sealed class FirewallServiceNamespaceTests : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly VethPair _net;
    private readonly NamespacedNftables _nftables;
    private readonly TempState _state;
    private readonly RecordingLoggerProvider _log = new();
    private readonly ILoggerFactory _loggers;

    public FirewallServiceNamespaceTests()
    {
        _loggers = LoggerFactory.Create(b => b.AddProvider(_log));
        _state = new TempState();
        if (!Environment.IsPrivilegedProcess)
        {
            _net = null!;
            _nftables = null!;
            return;
        }
        _net = new VethPair();
        _nftables = new NamespacedNftables(_net.Vm);
    }

    [FirewallFact]
    public async Task FlushRuleset_IsUndoneWithinOneCheckInterval_WithAnEvent()
    {
        _net.Listen(_net.Vm, _net.VmAddress, 23);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (policy, enforcer, service, events) = Agent(keepEnforcing: false, time);
        policy.Apply(1, Document(DenyTelnet));
        await service.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => enforcer.Status.State == "enforcing");
            Assert.False(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, VethPair.Blocked));

            _net.Nft("flush", "ruleset");
            Assert.Null(new FirewallTable(_nftables).List());
            time.Advance(Interval);
            await UntilAsync(() => new FirewallTable(_nftables).List() is not null);
            await UntilAsync(async () => (await events.PendingAsync()).Any(e => e.Type == FirewallService.DriftEvent));
            Assert.False(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, VethPair.Blocked));
            Assert.Equal(1, enforcer.Status.Repairs);
            Assert.True(_log.Contains(LogLevel.Warning, "was changed or removed by someone else (now no table)"), _log.ToString());
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [FirewallFact]
    public async Task AnotherTable_IsUntouched_ThroughApplyChangeDriftRepairAndStop()
    {
        _net.Nft("add", "table", "inet", "tenant");
        _net.Nft("add", "chain", "inet", "tenant", "input", "{ type filter hook input priority 10; policy accept; }");
        _net.Nft("add", "set", "inet", "tenant", "blocked", "{ type ipv4_addr; }");
        _net.Nft("add", "element", "inet", "tenant", "blocked", "{ 192.0.2.1 }");
        _net.Nft("add", "rule", "inet", "tenant", "input", "ip", "saddr", "@blocked", "counter", "drop");
        var tenant = TenantTable();
        var (policy, enforcer, service, events) = Agent();
        policy.Apply(1, Document(DenyTelnet));
        await service.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => enforcer.Status.State == "enforcing");
            Assert.Equal(tenant, TenantTable());

            var first = enforcer.Status.RulesSha256;
            policy.Apply(2, Document("""{"mode":"monitor","defaultInbound":"deny"}"""));
            Assert.NotEqual(first, enforcer.Status.RulesSha256);
            Assert.Equal(tenant, TenantTable());

            _net.Nft("add", "rule", "inet", "lightshield", "input", "tcp", "dport", "22", "accept");
            await UntilAsync(async () => (await events.PendingAsync()).Any(e => e.Type == FirewallService.DriftEvent));
            Assert.Equal(tenant, TenantTable());
            Assert.DoesNotContain("dport 22", _net.Nft("list", "table", "inet", "lightshield"), StringComparison.Ordinal);
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
        Assert.DoesNotContain("lightshield", _net.Nft("list", "tables"), StringComparison.Ordinal);
        Assert.Equal(tenant, TenantTable());
    }

    [FirewallFact]
    public async Task KeepEnforcingOnStop_LeavesTheTable()
    {
        var (policy, enforcer, service, _) = Agent(keepEnforcing: true);
        policy.Apply(1, Document(DenyTelnet));
        await service.StartAsync(CancellationToken.None);
        await UntilAsync(() => enforcer.Status.State == "enforcing");
        await service.StopAsync(CancellationToken.None);
        Assert.Contains("inet lightshield", _net.Nft("list", "tables"), StringComparison.Ordinal);
    }

    [FirewallFact]
    public async Task HostilePolicies_AreRefused_AndTheLastGoodTableStays()
    {
        _net.Listen(_net.Vm, _net.VmAddress, 23);
        var (policy, enforcer, service, _) = Agent(("center", new Uri($"https://{_net.PeerAddress}:8443")));
        await service.StartAsync(CancellationToken.None);
        try
        {
            var applier = new PolicyApplier(policy, _state.Directory, _loggers.CreateLogger<PolicyApplier>(), enforcer);
            Assert.True(applier.Apply(1, $"{{\"firewall\":{DenyTelnet}}}"));
            // The service subscribes to policy changes on its own thread (BackgroundService in .NET 10): wait until it enforces.
            await UntilAsync(() => enforcer.Status.State == "enforcing");
            var good = enforcer.Status.RulesSha256;
            Assert.Equal(64, good.Length);

            Assert.False(applier.Apply(2, """{"firewall":{"mode":"enforcing","rules":[{"name":"x","protocol":"tcp","localPorts":["22; flush ruleset"]}]}}"""));
            Assert.False(applier.Apply(3, "{\"firewall\":{\"mode\":\"enforcing\",\"rules\":[" + string.Join(',', Enumerable.Repeat("{}", 3000)) + "]}}"));
            Assert.False(applier.Apply(4, "{\"firewall\": \u0000 garbage"));
            Assert.False(applier.Apply(5, $$$"""{"firewall":{"mode":"enforcing","rules":[{"name":"cut","direction":"outbound","remoteAddresses":["{{{_net.PeerAddress}}}"],"action":"deny"}]}}"""));

            Assert.Equal(1, policy.Current.Version);
            Assert.Equal(good, enforcer.Status.RulesSha256);
            Assert.Equal(good, new FirewallTable(_nftables).List()!.Sha256);
            Assert.False(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, VethPair.Blocked));
            Assert.True(_log.Contains(LogLevel.Error, "localPorts entry \"22; flush ruleset\" is not a port"), _log.ToString());
            Assert.True(_log.Contains(LogLevel.Error, "firewall.rules has 3000 rules; at most 2000"), _log.ToString());
            Assert.True(_log.Contains(LogLevel.Error, "not a policy document"), _log.ToString());
            Assert.True(_log.Contains(LogLevel.Error, "\"cut\" would deny the agent's channel to its center"), _log.ToString());
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [FirewallFact]
    public async Task Offline_ARestartedAgentEnforcesTheStoredPolicy_BeforeTheCenterAnswers()
    {
        _net.Listen(_net.Vm, _net.VmAddress, 23);
        var (policy, _, _, _) = Agent();
        Assert.True(new PolicyApplier(policy, _state.Directory, _loggers.CreateLogger<PolicyApplier>()).Apply(7, $"{{\"firewall\":{DenyTelnet}}}"));

        var (_, enforcer, service, _) = Agent();
        await service.StartAsync(CancellationToken.None);
        try
        {
            await UntilAsync(() => enforcer.Status.State == "enforcing");
            Assert.False(await VethPair.ConnectsAsync(_net.Peer, _net.VmAddress, 23, VethPair.Blocked));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    public void Dispose()
    {
        _nftables?.Dispose();
        _net?.Dispose();
        _state.Dispose();
        _loggers.Dispose();
    }

    private const string DenyTelnet = """
        {"mode":"enforcing","rules":[{"name":"no telnet","direction":"inbound","protocol":"tcp","localPorts":["23"],"action":"deny"}]}
        """;

    private static PolicyDocument Document(string firewallJson) => PolicyJson.Parse($"{{\"firewall\":{firewallJson}}}");

    private string TenantTable() => _net.Nft("-j", "list", "table", "inet", "tenant");

    private (EffectivePolicy Policy, FirewallEnforcer Enforcer, FirewallService Service, EventOutbox Events) Agent(
        params (string Purpose, Uri Address)[] channels) => Agent(false, null, channels);

    private (EffectivePolicy Policy, FirewallEnforcer Enforcer, FirewallService Service, EventOutbox Events) Agent(
        bool keepEnforcing, TimeProvider? time = null, params (string Purpose, Uri Address)[] channels)
    {
        var agent = new AgentOptions { StateDirectory = _state.Directory };
        var policy = new EffectivePolicy(agent, new ActionOptions());
        var enforcer = new FirewallEnforcer(_nftables, new AgentChannels(() => channels), new LocalAccounts(), new ServiceCgroups(), _loggers.CreateLogger<FirewallEnforcer>());
        var events = new EventOutbox(_state.Database, TimeProvider.System);
        var service = new FirewallService(enforcer, policy, events,
            Options.Create(new FirewallOptions { CheckInterval = Interval, KeepEnforcingOnStop = keepEnforcing }), Options.Create(agent),
            time ?? TimeProvider.System, _loggers.CreateLogger<FirewallService>());
        return (policy, enforcer, service, events);
    }

    private static Task UntilAsync(Func<bool> condition) => UntilAsync(() => Task.FromResult(condition()));

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(3), "condition not met within 3 s");
            await Task.Delay(20);
        }
    }
}

using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Firewall;

/// <summary>
/// Keeps the agent's table equal to the firewall policy in force: applies it (one transaction), checks it against what
/// was applied (drift), re-applies when the agent's channels change, reads the counters. A refused or failed apply
/// leaves the table that was there: nftables applies a batch entirely or not at all.
/// </summary>
public sealed partial class FirewallEnforcer(INftables nftables, AgentChannels channels, LocalAccounts accounts, ServiceCgroups services,
    ILogger<FirewallEnforcer> logger)
{
    /// <summary>Why per-service rules are left out when this VM's libnftables cannot express them.</summary>
    public const string ServicesUnsupported = "this VM's libnftables cannot express per-service rules (socket cgroupv2) in its JSON interface";

    private readonly Lock _lock = new();
    private readonly FirewallTable _table = new(nftables);
    private FirewallPolicy _policy = new();
    private CompiledFirewall? _compiled;
    private IReadOnlyList<AgentChannel> _channels = [];
    private FirewallStatus _status = FirewallStatus.Off;
    private int _repairs;
    private bool? _servicesExpressible;

    public FirewallStatus Status => Volatile.Read(ref _status);

    /// <summary>The channels the last apply kept open.</summary>
    public IReadOnlyList<AgentChannel> Channels => Volatile.Read(ref _channels);

    /// <summary>Why this agent cannot accept <paramref name="policy"/> (rules aimed at its own channels); empty when it can.</summary>
    public IReadOnlyList<string> Refusals(FirewallPolicy policy) => FirewallChannelCheck.Errors(policy, channels.Current(), accounts);

    /// <summary>Makes <paramref name="policy"/> the one in force; false when nftables refused it (the previous table stays).</summary>
    public bool Apply(FirewallPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_lock)
        {
            _policy = policy;
            return ApplyLocked(channels.Current());
        }
    }

    /// <summary>One check: re-applies when the channels changed, when the previous apply failed, or when the table is
    /// not what was applied (then returns what was found); reads the counters otherwise.</summary>
    public FirewallDrift? Check()
    {
        lock (_lock)
        {
            if (_policy.Mode == FirewallNames.Off)
            {
                return null;
            }
            var current = channels.Current();
            if (_compiled is null)
            {
                ApplyLocked(current);
                return null;
            }
            if (!current.SequenceEqual(_channels))
            {
                LogChannelsChanged(logger, string.Join(", ", current));
                ApplyLocked(current);
                return null;
            }
            if (MovedService(_compiled) is { } moved)
            {
                LogServiceMoved(logger, moved);
                ApplyLocked(current);
                return null;
            }
            var listing = _table.List();
            if (listing is not null && listing.Sha256 == _status.RulesSha256)
            {
                Volatile.Write(ref _status, Read(_policy.Mode, listing, _compiled, _repairs));
                return null;
            }
            var drift = new FirewallDrift(_status.RulesSha256, listing?.Sha256);
            _repairs++;
            LogDrift(logger, drift.Found ?? "no table");
            if (ApplyLocked(current))
            {
                Volatile.Write(ref _status, _status with { State = FirewallNames.Drifted, Repairs = _repairs });
            }
            return drift;
        }
    }

    /// <summary>Removes the table if there is one (agent stop).</summary>
    public void Remove()
    {
        lock (_lock)
        {
            RemoveIfPresent();
            _compiled = null;
            Volatile.Write(ref _status, FirewallStatus.Off with { Repairs = _repairs });
        }
    }

    private bool ApplyLocked(IReadOnlyList<AgentChannel> current)
    {
        Volatile.Write(ref _channels, current);
        try
        {
            if (_policy.Mode == FirewallNames.Off)
            {
                RemoveIfPresent();
                _compiled = null;
                Volatile.Write(ref _status, FirewallStatus.Off with { Repairs = _repairs });
                LogOff(logger);
                return true;
            }
            var compiled = FirewallRuleset.Compile(_policy, current, accounts, FindService);
            foreach (var skipped in compiled.Skipped)
            {
                LogSkipped(logger, skipped);
            }
            var listing = _table.Replace(compiled);
            _compiled = compiled;
            Volatile.Write(ref _status, Read(_policy.Mode, listing, compiled, _repairs));
            LogApplied(logger, _policy.Mode, compiled.RuleNames.Count - compiled.Skipped.Count, _policy.DefaultInbound, _policy.DefaultOutbound,
                current.Count, listing.Sha256);
            return true;
        }
        catch (Exception exception) when (exception is NftablesException or System.Text.Json.JsonException or IOException)
        {
            Volatile.Write(ref _status, _status with { State = FirewallNames.Failed });
            LogFailed(logger, exception.Message);
            return false;
        }
    }

    /// <summary>A service a rule names, as nftables can match it here (the probe runs once, at the first such rule).</summary>
    private ServiceLookup FindService(string unit)
    {
        _servicesExpressible ??= nftables.Accepts(FirewallRuleset.ServiceProbeCommand);
        return _servicesExpressible.Value ? services.Find(unit) : new ServiceLookup(null, ServicesUnsupported);
    }

    /// <summary>A service that started, stopped or restarted (a new cgroup) since the table was compiled.</summary>
    private string? MovedService(CompiledFirewall compiled) => _servicesExpressible is true
        ? compiled.Services.FirstOrDefault(s => services.Find(s.Key).Cgroup?.Id != s.Value).Key
        : null;

    /// <summary>An agent that never enforced (or a VM without libnftables) touches nothing.</summary>
    private void RemoveIfPresent()
    {
        if (_table.List() is not null)
        {
            _table.Remove();
        }
    }

    private static FirewallStatus Read(string mode, FirewallListing listing, CompiledFirewall compiled, int repairs)
    {
        var counters = new Dictionary<string, RuleCounter>(StringComparer.Ordinal);
        foreach (var (comment, counter) in listing.Counters)
        {
            if (RuleName(comment.StartsWith(FirewallRuleset.RulePrefix, StringComparison.Ordinal) ? comment[FirewallRuleset.RulePrefix.Length..] : comment,
                compiled) is { } name)
            {
                counters[name] = counter;
            }
        }
        var talkers = new Dictionary<string, IReadOnlyList<Talker>>(StringComparer.Ordinal);
        foreach (var (tag, peers) in listing.Talkers)
        {
            if (RuleName(tag, compiled) is { } name && peers.Count > 0)
            {
                talkers[name] = [.. peers.OrderByDescending(p => p.Hits.Packets).ThenBy(p => p.Address.ToString(), StringComparer.Ordinal)
                    .Take(FirewallStatus.TopTalkersPerRule)];
            }
        }
        return new FirewallStatus(mode, listing.Sha256, counters, repairs, talkers, compiled.Skipped);
    }

    /// <summary>The policy's name for a rule index (<c>3</c>), or a default's (<c>in</c>, <c>out</c>, or its own comment).</summary>
    private static string? RuleName(string tag, CompiledFirewall compiled) => tag switch
    {
        "in" or FirewallRuleset.DefaultInbound => FirewallRuleset.DefaultInbound,
        "out" or FirewallRuleset.DefaultOutbound => FirewallRuleset.DefaultOutbound,
        _ when int.TryParse(tag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            && index < compiled.RuleNames.Count => compiled.RuleNames[index],
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Firewall {Mode}: {Rules} rules, default inbound {Inbound}, outbound {Outbound}, {Channels} agent channels kept open; table inet lightshield {Sha256}")]
    private static partial void LogApplied(ILogger logger, string mode, int rules, string inbound, string outbound, int channels, string sha256);

    [LoggerMessage(Level = LogLevel.Information, Message = "Firewall off: the agent has no nftables table (other tables are never touched)")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firewall rule left out on this VM: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "nftables refused the firewall table; the previous one stays: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Firewall table inet lightshield was changed or removed by someone else (now {Found}); applying it again")]
    private static partial void LogDrift(ILogger logger, string found);

    [LoggerMessage(Level = LogLevel.Information, Message = "Firewall: service {Service} started, stopped or restarted (its cgroup changed); applying the table again")]
    private static partial void LogServiceMoved(ILogger logger, string service);

    [LoggerMessage(Level = LogLevel.Information, Message = "Firewall: the agent's channels changed ({Channels}); applying the table again")]
    private static partial void LogChannelsChanged(ILogger logger, string channels);
}

/// <summary>The table was not what the agent applied: <paramref name="Found"/> is the hash of what was there, null when
/// it was gone.</summary>
public sealed record FirewallDrift(string Expected, string? Found);

using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Lightshield.Center.Push;

/// <summary>
/// The push channel's connections on this center instance: one per agent, each a one-slot mailbox of nudges (a nudge
/// says only "sync now", so pending ones merge into one, under the latest reason). A new subscription of an agent replaces its old one, which
/// then ends. Nudges name agents, groups or tenants; a connection remembers its agent's tenant and group from when it
/// subscribed (an agent moved to another group meanwhile learns it at its next sync, as without the channel).
/// </summary>
public sealed class AgentPushHub
{
    private readonly ConcurrentDictionary<Guid, PushSubscription> _subscriptions = new();

    /// <summary>Agents connected to this instance now.</summary>
    public int Count => _subscriptions.Count;

    /// <summary>A subscription for <paramref name="agentId"/>, or null when <paramref name="limit"/> connections are open
    /// already; a previous subscription of the same agent ends.</summary>
    public PushSubscription? Subscribe(Guid agentId, Guid tenantId, Guid groupId, int limit)
    {
        if (_subscriptions.Count >= limit && !_subscriptions.ContainsKey(agentId))
        {
            return null;
        }
        var subscription = new PushSubscription(this, agentId, tenantId, groupId);
        PushSubscription? replaced = null;
        _subscriptions.AddOrUpdate(agentId, subscription, (_, previous) =>
        {
            replaced = previous;
            return subscription;
        });
        replaced?.End();
        return subscription;
    }

    public void Nudge(NudgeTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        foreach (var agentId in targets.Revoked)
        {
            Disconnect(agentId);
        }
        foreach (var (agentId, reason) in targets.Agents)
        {
            if (_subscriptions.TryGetValue(agentId, out var subscription))
            {
                subscription.Nudge(reason);
            }
        }
        if (targets.Groups.Count == 0 && targets.Tenants.Count == 0)
        {
            return;
        }
        foreach (var subscription in _subscriptions.Values)
        {
            if (targets.Groups.TryGetValue(subscription.GroupId, out var reason) || targets.Tenants.TryGetValue(subscription.TenantId, out reason))
            {
                subscription.Nudge(reason);
            }
        }
    }

    /// <summary>Ends the agent's stream (revoked): it must authenticate again to open another, and cannot.</summary>
    public void Disconnect(Guid agentId)
    {
        if (_subscriptions.TryRemove(agentId, out var subscription))
        {
            subscription.End();
        }
    }

    internal void Remove(PushSubscription subscription) =>
        _subscriptions.TryRemove(new KeyValuePair<Guid, PushSubscription>(subscription.AgentId, subscription));
}

/// <summary>One agent's open stream: the nudges waiting for it.</summary>
public sealed class PushSubscription : IDisposable
{
    private readonly AgentPushHub _hub;
    private readonly Channel<string> _nudges = Channel.CreateBounded<string>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropOldest,
        SingleReader = true,
    });

    internal PushSubscription(AgentPushHub hub, Guid agentId, Guid tenantId, Guid groupId)
    {
        _hub = hub;
        AgentId = agentId;
        TenantId = tenantId;
        GroupId = groupId;
    }

    public Guid AgentId { get; }

    public Guid TenantId { get; }

    public Guid GroupId { get; }

    /// <summary>The reasons to send, in order; completes when the subscription ends (replaced or disconnected).</summary>
    public ChannelReader<string> Nudges => _nudges.Reader;

    internal void Nudge(string reason) => _nudges.Writer.TryWrite(reason);

    internal void End() => _nudges.Writer.TryComplete();

    public void Dispose()
    {
        End();
        _hub.Remove(this);
    }
}

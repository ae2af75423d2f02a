using System.Net;
using StackExchange.Redis;

namespace Lightshield.Verdicts;

/// <summary>Which keys of a batch belong to a Redis Cluster master that is down now. A command for such a key waits in
/// StackExchange.Redis's backlog while the node is reconnected (its fail-fast policy does not cover a node of a cluster
/// that is otherwise connected), so every batch touching that master's slots would wait out the whole L2 timeout;
/// leaving those keys out answers them from L1 at once. Local: the slot map the connection already holds, no round trip.</summary>
internal static class DownMasters
{
    /// <summary>A mask over <paramref name="keys"/> of those whose master is disconnected, or null when every server
    /// is connected (the usual case, and a single Redis that is up), or when the slot map is unknown.</summary>
    public static bool[]? Mask(IConnectionMultiplexer connection, ReadOnlySpan<RedisKey> keys)
    {
        var servers = connection.GetServers();
        HashSet<EndPoint>? down = null;
        ClusterConfiguration? slots = null;
        foreach (var server in servers)
        {
            if (!server.IsConnected)
            {
                (down ??= []).Add(server.EndPoint);
            }
            else if (server.ServerType == ServerType.Cluster)
            {
                slots ??= server.ClusterConfiguration;
            }
        }
        if (down is null || slots is null)
        {
            return null;
        }
        bool[]? mask = null;
        for (int i = 0; i < keys.Length; i++)
        {
            if (slots.GetBySlot(keys[i])?.EndPoint is { } owner && down.Contains(owner))
            {
                (mask ??= new bool[keys.Length])[i] = true;
            }
        }
        return mask;
    }
}

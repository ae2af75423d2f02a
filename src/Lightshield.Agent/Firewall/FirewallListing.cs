using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lightshield.Agent.Firewall;

/// <summary>What a listing of the agent's table says: its normalised form (handles and counter values left out, so
/// traffic never looks like a change) hashed for drift detection, and the per-rule counters.</summary>
public sealed record FirewallListing(string Sha256, IReadOnlyDictionary<string, RuleCounter> Counters)
{
    public static FirewallListing Parse(string json)
    {
        var root = JsonNode.Parse(json)?["nftables"]?.AsArray() ?? throw new NftablesException("the listing has no nftables array");
        var counters = new Dictionary<string, RuleCounter>(StringComparer.Ordinal);
        var normal = new JsonArray();
        foreach (var item in root)
        {
            if (item is not JsonObject entry || entry.ContainsKey("metainfo"))
            {
                continue;
            }
            var copy = entry.DeepClone().AsObject();
            Normalise(copy);
            normal.Add(copy);
            if (entry["rule"] is JsonObject rule && rule["comment"]?.GetValue<string>() is { } comment
                && rule["expr"] is JsonArray expressions
                && expressions.OfType<JsonObject>().Select(e => e["counter"]).OfType<JsonObject>().FirstOrDefault() is { } counter)
            {
                var hits = new RuleCounter(counter["packets"]?.GetValue<long>() ?? 0, counter["bytes"]?.GetValue<long>() ?? 0);
                counters[comment] = counters.TryGetValue(comment, out var earlier) ? earlier + hits : hits;
            }
        }
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(normal.ToJsonString()));
        return new FirewallListing(Convert.ToHexStringLower(hash), counters);
    }

    private static void Normalise(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                obj.Remove("handle");
                if (obj["counter"] is JsonObject counter)
                {
                    counter["packets"] = 0;
                    counter["bytes"] = 0;
                }
                foreach (var (_, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        Normalise(child);
                    }
                }
                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    if (child is not null)
                    {
                        Normalise(child);
                    }
                }
                break;
            default:
                break;
        }
    }
}

/// <summary>Packets and bytes a rule matched since it was applied.</summary>
public readonly record struct RuleCounter(long Packets, long Bytes)
{
    public static RuleCounter operator +(RuleCounter a, RuleCounter b) => new(a.Packets + b.Packets, a.Bytes + b.Bytes);

    public static RuleCounter Add(RuleCounter a, RuleCounter b) => a + b;
}

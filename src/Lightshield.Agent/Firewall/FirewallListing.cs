using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Lightshield.Agent.Firewall;

/// <summary>What a listing of the agent's table says: its normalised form (handles, counter values and the talker sets'
/// elements left out, so traffic never looks like a change) hashed for drift detection, the per-rule counters and the
/// peers in each talker set (by the set's tag: a rule index, <c>in</c> or <c>out</c>).</summary>
public sealed record FirewallListing(string Sha256, IReadOnlyDictionary<string, RuleCounter> Counters,
    IReadOnlyDictionary<string, IReadOnlyList<Talker>> Talkers)
{
    public static FirewallListing Parse(string json)
    {
        var root = JsonNode.Parse(json)?["nftables"]?.AsArray() ?? throw new NftablesException("the listing has no nftables array");
        var counters = new Dictionary<string, RuleCounter>(StringComparer.Ordinal);
        var talkers = new Dictionary<string, List<Talker>>(StringComparer.Ordinal);
        var normal = new JsonArray();
        foreach (var item in root)
        {
            if (item is not JsonObject entry || entry.ContainsKey("metainfo"))
            {
                continue;
            }
            var copy = entry.DeepClone().AsObject();
            if (copy["set"] is JsonObject set)
            {
                set.Remove("elem");
                if (entry["set"]?["name"]?.GetValue<string>() is { } name && TalkerTag(name) is { } tag && entry["set"]?["elem"] is JsonArray elements)
                {
                    AddTalkers(talkers, tag, elements);
                }
            }
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
        return new FirewallListing(Convert.ToHexStringLower(hash), counters,
            talkers.ToDictionary(t => t.Key, t => (IReadOnlyList<Talker>)t.Value, StringComparer.Ordinal));
    }

    /// <summary><c>talkers_3_4</c> → <c>3</c>; null for a set that is not a talker set.</summary>
    private static string? TalkerTag(string setName) =>
        setName.StartsWith(FirewallRuleset.TalkerSetPrefix, StringComparison.Ordinal) && setName.Length > FirewallRuleset.TalkerSetPrefix.Length + 2
            ? setName[FirewallRuleset.TalkerSetPrefix.Length..^2]
            : null;

    private static void AddTalkers(Dictionary<string, List<Talker>> talkers, string tag, JsonArray elements)
    {
        if (!talkers.TryGetValue(tag, out var list))
        {
            talkers[tag] = list = [];
        }
        foreach (var element in elements)
        {
            if (element?["elem"] is JsonObject elem && elem["val"]?.GetValue<string>() is { } value
                && System.Net.IPAddress.TryParse(value, out var address) && elem["counter"] is JsonObject counter)
            {
                list.Add(new Talker(address, new RuleCounter(counter["packets"]?.GetValue<long>() ?? 0, counter["bytes"]?.GetValue<long>() ?? 0)));
            }
        }
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

/// <summary>A peer a rule matched (in monitor mode: would have blocked), with what it sent or was sent.</summary>
public readonly record struct Talker(System.Net.IPAddress Address, RuleCounter Hits);

/// <summary>Packets and bytes a rule matched since it was applied.</summary>
public readonly record struct RuleCounter(long Packets, long Bytes)
{
    public static RuleCounter operator +(RuleCounter a, RuleCounter b) => new(a.Packets + b.Packets, a.Bytes + b.Bytes);

    public static RuleCounter Add(RuleCounter a, RuleCounter b) => a + b;
}

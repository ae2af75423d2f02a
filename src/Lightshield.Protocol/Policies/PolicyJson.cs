using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lightshield.Protocol.Policies;

/// <summary>The one JSON form of a <see cref="PolicyDocument"/>: camelCase, enums as kebab-case names.</summary>
public static class PolicyJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string Serialize(PolicyDocument policy) => JsonSerializer.Serialize(policy, Options);

    /// <summary>Parses and validates; a <see cref="PolicyException"/> lists every problem.</summary>
    public static PolicyDocument Parse(string json)
    {
        PolicyDocument? policy;
        try
        {
            policy = JsonSerializer.Deserialize<PolicyDocument>(json, Options);
        }
        catch (JsonException e)
        {
            throw new PolicyException([$"not a policy document: {e.Message}"]);
        }
        if (policy is null)
        {
            throw new PolicyException(["not a policy document: null"]);
        }
        var errors = policy.Validate();
        return errors.Count == 0 ? policy : throw new PolicyException(errors);
    }
}

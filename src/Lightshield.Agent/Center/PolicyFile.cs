using System.Text.Json;
using Lightshield.Agent.Storage;
using Lightshield.Protocol.Policies;

namespace Lightshield.Agent.Center;

/// <summary>The center policy the agent last received, kept in <c>policy.json</c> (mode 0600) in the state directory
/// so that a restarted agent applies it before the center answers again.</summary>
public static class PolicyFile
{
    public const string FileName = "policy.json";

    public static void Save(string stateDirectory, long version, string policyJson) =>
        PrivateFile.WriteAllText(Path.Combine(stateDirectory, FileName), JsonSerializer.Serialize(new Stored(version, policyJson)));

    /// <summary>The stored policy, or null when there is none; a damaged file is treated as none (the center sends the
    /// policy again, since the agent then reports version 0).</summary>
    public static (long Version, PolicyDocument Policy)? Load(string stateDirectory)
    {
        try
        {
            if (PrivateFile.ReadAllTextOrNull(Path.Combine(stateDirectory, FileName)) is not { } json
                || JsonSerializer.Deserialize<Stored>(json) is not { } stored)
            {
                return null;
            }
            return (stored.Version, PolicyJson.Parse(stored.PolicyJson));
        }
        catch (Exception exception) when (exception is JsonException or PolicyException or IOException)
        {
            return null;
        }
    }

    private sealed record Stored(long Version, string PolicyJson);
}

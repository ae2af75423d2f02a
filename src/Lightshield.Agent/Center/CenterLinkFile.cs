using System.Text.Json;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Storage;

namespace Lightshield.Agent.Center;

/// <summary>The center an agent enrolled with through <c>lightshield-agent enrol</c>, kept beside its credential in
/// <c>center.json</c> (mode 0600) of the state directory rather than in <c>/etc/lightshield/agent.json</c>: the
/// credential is only good at that center, the packaged configuration file stays as shipped (no conffile prompt at an
/// upgrade), and a VM template carries neither.</summary>
public static class CenterLinkFile
{
    public const string FileName = "center.json";

    public static void Save(string stateDirectory, Uri center, string? certificateSha256) =>
        PrivateFile.WriteAllText(Path.Combine(stateDirectory, FileName), JsonSerializer.Serialize(new Stored(center, certificateSha256)));

    /// <summary>Adds the recorded center as <c>Agent:Center</c> and <c>Agent:CenterCertificateSha256</c>, over the
    /// configuration file's and the environment's, when the state directory holds one.</summary>
    public static void AddTo(IConfigurationBuilder configuration, string stateDirectory)
    {
        if (PrivateFile.ReadAllTextOrNull(Path.Combine(stateDirectory, FileName)) is not { } json)
        {
            return;
        }
        var stored = JsonSerializer.Deserialize<Stored>(json)
            ?? throw new InvalidDataException($"{Path.Combine(stateDirectory, FileName)} is empty; run lightshield-agent enrol again");
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AgentOptions.Section}:{nameof(AgentOptions.Center)}"] = stored.Center.ToString(),
            [$"{AgentOptions.Section}:{nameof(AgentOptions.CenterCertificateSha256)}"] = stored.CenterCertificateSha256,
        });
    }

    private sealed record Stored(Uri Center, string? CenterCertificateSha256);
}

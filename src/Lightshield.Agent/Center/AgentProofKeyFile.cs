using Lightshield.Agent.Storage;
using Lightshield.Protocol.Credentials;

namespace Lightshield.Agent.Center;

/// <summary>The agent's proof-of-possession key (<see cref="ProofKey"/>) in its state directory, mode 0600: generated
/// before enrolment, its public part sent with the enrolment, used to sign a proof for every call to the center and to
/// scan servers. Whoever copies the credentials without this file opens nothing.</summary>
public static class AgentProofKeyFile
{
    public const string FileName = "agent-proof-key.pem";

    /// <summary>Reads the key of <paramref name="stateDirectory"/>, or generates and saves one when there is none.</summary>
    public static ProofKey LoadOrCreate(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        if (PrivateFile.ReadAllTextOrNull(path) is { } pem)
        {
            return ProofKey.FromPem(pem);
        }
        var key = ProofKey.Generate();
        PrivateFile.WriteAllText(path, key.ExportPem());
        return key;
    }
}

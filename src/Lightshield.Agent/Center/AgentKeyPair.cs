using System.Security.Cryptography;
using Lightshield.Agent.Storage;
using Lightshield.Quarantine;

namespace Lightshield.Agent.Center;

/// <summary>The agent's own RSA-3072 key pair, generated on the VM before enrolment. The center learns only the public
/// key, and wraps each restore order's data key to it (<see cref="RestoreKeyWrap"/>); the private key
/// stays in the state directory, mode 0600.</summary>
public sealed class AgentKeyPair : IDisposable
{
    public const string FileName = "agent-key.pem";
    public const int KeySize = 3072;

    private AgentKeyPair(RSA key)
    {
        PrivateKey = key;
        PublicKey = key.ExportSubjectPublicKeyInfo();
    }

    public RSA PrivateKey { get; }

    /// <summary>SubjectPublicKeyInfo (DER), as sent to the center.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Reads the key of <paramref name="stateDirectory"/>, or generates and saves one when there is none.</summary>
    public static AgentKeyPair LoadOrCreate(string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, FileName);
        var pem = PrivateFile.ReadAllTextOrNull(path);
        var key = pem is null ? RSA.Create(KeySize) : RSA.Create();
        try
        {
            if (pem is null)
            {
                PrivateFile.WriteAllText(path, key.ExportPkcs8PrivateKeyPem());
            }
            else
            {
                key.ImportFromPem(pem);
            }
            return new AgentKeyPair(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public void Dispose() => PrivateKey.Dispose();
}

using System.Text.Json;
using Lightshield.Agent.Storage;
using Lightshield.Protocol.Credentials;

namespace Lightshield.Agent.Center;

/// <summary>The agent's enrolment and current credentials (one for the center, one for scan servers): read from the
/// state directory at start, replaced (and written, 0600, atomically) when the agent enrols or the center renews them.
/// Every call reads <see cref="Credential"/> and <see cref="ScanCredential"/> anew, so renewed ones are used at once.</summary>
public sealed class EnrolmentStore
{
    public const string FileName = "enrolment.json";

    /// <summary>Where an enrolment from before proof of possession is moved: its credentials open nothing any more.</summary>
    public const string SupersededFileName = "enrolment.before-proof.json";

    private readonly string _path;
    private readonly TaskCompletionSource _enrolled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EnrolmentRecord? _current;

    public EnrolmentStore(string stateDirectory)
    {
        _path = Path.Combine(stateDirectory, FileName);
        if (PrivateFile.ReadAllTextOrNull(_path) is { } json)
        {
            var stored = JsonSerializer.Deserialize<EnrolmentRecord>(json)
                ?? throw new InvalidDataException($"{_path} is empty; delete it to enrol again");
            if (AgentCredentialFormat.NamesProofKey(stored.Credential))
            {
                _current = stored;
                _enrolled.TrySetResult();
            }
            else
            {
                // Credentials issued before proof of possession bind no key and are refused everywhere: the agent enrols
                // again with its enrolment token (the old agent stays at the center until an administrator revokes it).
                File.Move(_path, Path.Combine(stateDirectory, SupersededFileName), overwrite: true);
            }
        }
    }

    public EnrolmentRecord? Current => Volatile.Read(ref _current);

    /// <summary>The credential to present to the center, or null before enrolment.</summary>
    public string? Credential => Current?.Credential;

    /// <summary>The credential to present to scan servers, or null before enrolment.</summary>
    public string? ScanCredential => Current?.ScanCredential;

    public void Save(EnrolmentRecord enrolment)
    {
        ArgumentNullException.ThrowIfNull(enrolment);
        PrivateFile.WriteAllText(_path, JsonSerializer.Serialize(enrolment));
        Volatile.Write(ref _current, enrolment);
        _enrolled.TrySetResult();
    }

    /// <summary>Stores the credentials the center renewed.</summary>
    public void Renew(string credential, string scanCredential, DateTimeOffset expiresAt) =>
        Save((Current ?? throw new InvalidOperationException("a credential can be renewed only after enrolment")) with
        {
            Credential = credential,
            ScanCredential = scanCredential,
            CredentialExpiresAt = expiresAt,
        });

    /// <summary>Completes once the agent is enrolled.</summary>
    public Task WaitUntilEnrolledAsync(CancellationToken cancellationToken) => _enrolled.Task.WaitAsync(cancellationToken);
}

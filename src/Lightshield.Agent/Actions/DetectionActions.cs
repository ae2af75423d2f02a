using System.Text.Json;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Diagnostics;
using Lightshield.Agent.Events;
using Lightshield.Agent.Files;
using Lightshield.Agent.Quarantine;
using Lightshield.Protocol.Policies;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Actions;

/// <summary>Applies the action of the effective policy to an infected file and records the detection, with the action
/// taken, in the event outbox (and, for a quarantined file, a <c>quarantine-item</c> event the center needs to offer a
/// restore). The one place that quarantines or deletes files.</summary>
public sealed partial class DetectionActions
{
    private readonly ActionOptions _options;
    private readonly EventOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AgentMetrics? _metrics;
    private const string NotTheScannedFile = "the file changed or went away after it was scanned; it is scanned again when next opened";
    private QuarantineVault? _vault;

    public DetectionActions(IOptions<ActionOptions> options, IOptions<AgentOptions> agent, EffectivePolicy policy, EventOutbox outbox,
        TimeProvider time, ILogger<DetectionActions> logger, AgentMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agent);
        _options = options.Value;
        Policy = policy;
        _outbox = outbox;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        VaultDirectory = _options.QuarantineDirectory ?? Path.Combine(agent.Value.StateDirectory, "quarantine");
        if (_options.QuarantinePublicKeyFile is { Length: > 0 } keyFile)
        {
            _vault = OpenVault(QuarantineKeys.ImportPublicKeyPem(File.ReadAllText(keyFile)));
        }
    }

    /// <summary>The settings in force (configuration, or the center's policy).</summary>
    public EffectivePolicy Policy { get; }

    /// <summary>The action for detections on access.</summary>
    public DetectionAction OnAccess => Policy.Current.OnAccessAction;

    /// <summary>The action for detections of on-demand, scheduled and memory scans.</summary>
    public DetectionAction OnDemand => Policy.Current.OnDemandAction;

    /// <summary>The vault directory (it exists once a quarantine key is known).</summary>
    public string VaultDirectory { get; }

    /// <summary>Whether files can be quarantined: a tenant quarantine key is configured or came from the center.</summary>
    public bool CanQuarantine => Volatile.Read(ref _vault) is not null;

    /// <summary>Quarantines with the tenant key the center sent at enrolment (SubjectPublicKeyInfo), unless
    /// <see cref="ActionOptions.QuarantinePublicKeyFile"/> names one: the configured file wins.</summary>
    public void UseCenterQuarantineKey(byte[] subjectPublicKeyInfo)
    {
        ArgumentNullException.ThrowIfNull(subjectPublicKeyInfo);
        if (_options.QuarantinePublicKeyFile is { Length: > 0 })
        {
            return;
        }
        var key = QuarantineKeys.ImportPublicKeyPem(System.Security.Cryptography.PemEncoding.WriteString("PUBLIC KEY", subjectPublicKeyInfo));
        if (Volatile.Read(ref _vault)?.PublicKey.Fingerprint != key.Fingerprint)
        {
            Volatile.Write(ref _vault, OpenVault(key));
        }
    }

    private QuarantineVault OpenVault(QuarantinePublicKey key) => new(new QuarantineVaultOptions
    {
        Directory = VaultDirectory,
        AgentId = _options.AgentId ?? Environment.MachineName,
    }, key, _time);

    /// <summary>Acts on <paramref name="file"/> and appends a <c>detection</c> event saying what was done. A failed
    /// quarantine or delete leaves the file in place and is reported as such; it does not throw.</summary>
    public async Task<string> ApplyAsync(DetectedFile file, DetectionAction action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        string? itemId = null;
        string? failure = null;
        string taken;
        switch (action)
        {
            case DetectionAction.Quarantine:
                (taken, itemId, failure) = await QuarantineAsync(file, cancellationToken);
                break;
            case DetectionAction.Delete:
                (taken, failure) = Delete(file);
                break;
            case DetectionAction.Deny when file.ProcessId is not null:
                taken = "denied";
                break;
            default:
                taken = "reported";
                break;
        }
        _metrics?.Detected(file.Source);
        LogDetection(_logger, file.Source, file.Path, string.Join(", ", file.Names), failure is null ? taken : $"{taken} ({failure})");
        await _outbox.AppendAsync("detection", JsonSerializer.Serialize(new
        {
            source = file.Source,
            // A quarantined file's path goes to the center only sealed to the tenant key, in its quarantine-item event.
            path = itemId is null ? file.Path : null,
            names = file.Names,
            sha256 = file.Sha256,
            databaseVersion = file.DatabaseVersion,
            action = action.ToString().ToLowerInvariant(),
            taken,
            quarantineItem = itemId,
            failure,
            pid = file.ProcessId,
            process = file.ProcessName,
            task = file.TaskId,
        }), cancellationToken);
        return taken;
    }

    private async Task<(string Taken, string? ItemId, string? Failure)> QuarantineAsync(DetectedFile file, CancellationToken cancellationToken)
    {
        var vault = Volatile.Read(ref _vault);
        if (vault is null)
        {
            return ("quarantine-failed", null, "no quarantine key is configured (Actions:QuarantinePublicKeyFile) or received from the center");
        }
        try
        {
            if (await vault.QuarantineScannedAsync(file.Path, file.Identity, new QuarantineDetection(file.Names), cancellationToken) is not { } item)
            {
                return ("skipped", null, NotTheScannedFile);
            }
            await AppendQuarantineItemAsync(vault, item, file.Path, cancellationToken);
            return ("quarantined", item.Id, null);
        }
        catch (QuarantineException exception)
        {
            return ("quarantine-failed", null, exception.Message);
        }
    }

    /// <summary>What the tenant's center keeps to list the item and to restore it: the data key and the original path
    /// are sealed to the tenant's public key, so only the tenant (with its secret) can open them.</summary>
    private async Task AppendQuarantineItemAsync(QuarantineVault vault, QuarantineItem item, string originalPath, CancellationToken cancellationToken)
    {
        var wrapped = vault.ReadWrappedDataKey(item.Id);
        await _outbox.AppendAsync("quarantine-item", JsonSerializer.Serialize(new
        {
            itemId = item.Id,
            encryptedPath = Convert.ToBase64String(QuarantinePathSeal.Seal(vault.PublicKey, item.Id, originalPath)),
            names = item.Detections,
            sha256 = item.Sha256,
            size = item.Size,
            quarantinedAt = item.QuarantinedAt,
            wrappedDataKey = Convert.ToBase64String(wrapped.Ciphertext.Span),
            keyFingerprint = wrapped.KeyFingerprint,
        }), cancellationToken);
    }

    /// <summary>Unlinks the file from its parent directory, opened without following any link, once the entry there is
    /// checked to be the inode that was scanned (<see cref="FileEntry"/>); the path is never resolved again.</summary>
    private static (string Taken, string? Failure) Delete(DetectedFile file)
    {
        try
        {
            using var entry = FileEntry.Open(file.Path);
            if (!entry.IsScanned(file.Identity))
            {
                return ("skipped", NotTheScannedFile);
            }
            entry.Remove(entry.Status!.Value);
            return ("deleted", null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ("delete-failed", exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Detection ({Source}): {Path}: {Names}; {Taken}")]
    private static partial void LogDetection(ILogger logger, string source, string path, string names, string taken);
}

using System.Text.Json;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Events;
using Lightshield.Agent.Quarantine;
using Lightshield.Quarantine;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Actions;

/// <summary>Applies the configured action to an infected file and records the detection, with the action taken, in
/// the event outbox. The one place that quarantines or deletes files.</summary>
public sealed partial class DetectionActions
{
    private readonly ActionOptions _options;
    private readonly EventOutbox _outbox;
    private readonly ILogger _logger;
    private readonly QuarantineVault? _vault;

    public DetectionActions(IOptions<ActionOptions> options, IOptions<AgentOptions> agent, EventOutbox outbox, TimeProvider time,
        ILogger<DetectionActions> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(agent);
        _options = options.Value;
        _outbox = outbox;
        _logger = logger;
        if (_options.QuarantinePublicKeyFile is { Length: > 0 } keyFile)
        {
            var key = QuarantineKeys.ImportPublicKeyPem(File.ReadAllText(keyFile));
            _vault = new QuarantineVault(new QuarantineVaultOptions
            {
                Directory = _options.QuarantineDirectory ?? Path.Combine(agent.Value.StateDirectory, "quarantine"),
                AgentId = _options.AgentId ?? Environment.MachineName,
            }, key, time);
        }
    }

    /// <summary>The action for detections on access.</summary>
    public DetectionAction OnAccess => _options.OnAccess;

    /// <summary>The action for detections of on-demand, scheduled and memory scans.</summary>
    public DetectionAction OnDemand => _options.OnDemand;

    /// <summary>The vault directory, or null when no quarantine key is configured.</summary>
    public string? VaultDirectory => _vault?.DirectoryPath;

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
        LogDetection(_logger, file.Source, file.Path, string.Join(", ", file.Names), taken, failure);
        await _outbox.AppendAsync("detection", JsonSerializer.Serialize(new
        {
            source = file.Source,
            path = file.Path,
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
        if (_vault is null)
        {
            return ("quarantine-failed", null, "no quarantine key is configured (Actions:QuarantinePublicKeyFile)");
        }
        if (DetectedFile.CurrentIdentity(file.Path) != file.Identity)
        {
            return ("skipped", null, "the file changed or went away after it was scanned; it is scanned again when next opened");
        }
        try
        {
            var item = await _vault.QuarantineAsync(file.Path, new QuarantineDetection(file.Names), cancellationToken);
            return ("quarantined", item.Id, null);
        }
        catch (QuarantineException exception)
        {
            return ("quarantine-failed", null, exception.Message);
        }
    }

    private static (string Taken, string? Failure) Delete(DetectedFile file)
    {
        if (DetectedFile.CurrentIdentity(file.Path) != file.Identity)
        {
            return ("skipped", "the file changed or went away after it was scanned; it is scanned again when next opened");
        }
        try
        {
            File.Delete(file.Path);
            return ("deleted", null);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return ("delete-failed", exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Detection ({Source}): {Path}: {Names}; {Taken} {Failure}")]
    private static partial void LogDetection(ILogger logger, string source, string path, string names, string taken, string? failure);
}

namespace Lightshield.Svm.Diagnostics;

internal static partial class SvmLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Refused a scan from tenant {Tenant}: declared key {DeclaredKey} but received content with key {ActualKey}")]
    public static partial void KeyMismatch(ILogger logger, string tenant, string declaredKey, string actualKey);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Detection for tenant {Tenant}: {Names} in {Key}")]
    public static partial void Detected(ILogger logger, string tenant, string names, string key);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information,
        Message = "Signature database {Version} loaded: {Signatures} signatures from {Directory}, engine {EngineVersion}, scan profile {Profile}")]
    public static partial void DatabaseLoaded(ILogger logger, string version, long signatures, string directory, string engineVersion, string profile);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "Signature database reloaded: {PreviousVersion} -> {Version} ({Signatures} signatures, {ChangedFiles} changed files); {RetroDetections} cached clean verdicts turned infected")]
    public static partial void DatabaseReloaded(ILogger logger, string previousVersion, string version, long signatures, int changedFiles, long retroDetections);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Signature database reload failed; still serving {Version}")]
    public static partial void ReloadFailed(ILogger logger, Exception exception, string version);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Retro-active detection: cached clean {Key} matches a hash signature of database {DatabaseVersion}")]
    public static partial void RetroDetection(ILogger logger, string key, string databaseVersion);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Admission refused a {Priority} scan for tenant {Tenant}: {Reason}")]
    public static partial void Rejected(ILogger logger, string priority, string tenant, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning,
        Message = "Demoted on-access claims of tenant {Tenant} to on-demand ({Reason}: {InFlight} in flight, ration {Cap} at once and {Rate}/s); logged once a minute per tenant")]
    public static partial void OnAccessDemoted(ILogger logger, string tenant, string reason, int inFlight, int cap, double rate);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "A {Priority} scan of tenant {Tenant} lost its slot: {Reason}")]
    public static partial void UploadStalled(ILogger logger, string tenant, string priority, string reason);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "TLS: no certificate configured; using the self-signed certificate {Path} (SHA-256 {Fingerprint}). Clients pin it with --server-cert-sha256.")]
    public static partial void SelfSignedCertificate(ILogger logger, string path, string fingerprint);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Scan server options: {Options}")]
    public static partial void EffectiveOptions(ILogger logger, string options);

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "Admission and fair-share options: {Options}")]
    public static partial void EffectiveAdmissionOptions(ILogger logger, string options);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Refused a {Method} call from {Peer}: {Reason}")]
    public static partial void AgentRefused(ILogger logger, string method, string peer, string reason);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning,
        Message = "No Svm:TrustedCredentialKeys: callers are not authenticated (allowed only because the scan server listens on loopback)")]
    public static partial void AnonymousAgents(ILogger logger);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning,
        Message = "Center {Center} did not answer the heartbeat ({Status}: {Detail}); {Failures} in a row. Serving with the last keys and revocations received")]
    public static partial void CenterUnreachable(ILogger logger, string center, string status, string detail, int failures);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Ignored a credential key sent by the center: {Reason}")]
    public static partial void CenterKeyRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Signature update: now running center version {Version} (database {DatabaseVersion}, {Fetched} file(s) downloaded)")]
    public static partial void UpdateApplied(ILogger logger, long version, string databaseVersion, int fetched);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Signature update to center version {Version} refused; staying on {Running}: {Reason}")]
    public static partial void UpdateFailed(ILogger logger, long version, string running, string reason);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Update check with the center failed: {Status} {Detail}")]
    public static partial void UpdateCheckFailed(ILogger logger, string status, string detail);

    [LoggerMessage(EventId = 50, Level = LogLevel.Information, Message = "Scan worker {ProcessId}: {Line}")]
    public static partial void WorkerSaid(ILogger logger, int processId, string line);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Scan worker {ProcessId} broke the worker protocol ({Reason}); killing it")]
    public static partial void WorkerBrokeProtocol(ILogger logger, int processId, string reason);

    [LoggerMessage(EventId = 67, Level = LogLevel.Information,
        Message = "Signature database {PreviousVersion} -> {Version} added {Added} body/logical signatures (clean verdicts of the older database are outdated only if above 0)")]
    public static partial void ContentSignaturesAdded(ILogger logger, string previousVersion, string version, long added);

    [LoggerMessage(EventId = 68, Level = LogLevel.Warning,
        Message = "Could not fingerprint the body/logical signatures of database {Version}; every newer database outdates its clean verdicts")]
    public static partial void ContentSignaturesUnread(ILogger logger, Exception exception, string version);
}

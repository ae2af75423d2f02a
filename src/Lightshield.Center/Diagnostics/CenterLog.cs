namespace Lightshield.Center.Diagnostics;

internal static partial class CenterLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Center options: {Options}")]
    public static partial void EffectiveOptions(ILogger logger, string options);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Database {Provider}: {Applied} migration(s) applied, schema at {Migration}")]
    public static partial void Migrated(ILogger logger, string provider, int applied, string migration);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Created the provider administrator '{UserName}' with a one-time password, in {Path} (readable by this user only). Sign in with it; the center then asks for a new one. Delete the file afterwards.")]
    public static partial void BootstrapPasswordGenerated(ILogger logger, string userName, string path);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Created the provider administrator '{UserName}' with the configured password")]
    public static partial void BootstrapPasswordConfigured(ILogger logger, string userName);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Refused a write outside the tenant scope on {Method} {Path}")]
    public static partial void IsolationViolation(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information,
        Message = "Agent credential key {KeyId} (signing: {Signing}): {PublicKey} . Scan servers get it with each heartbeat answer; without a center link, configure it as Svm:TrustedCredentialKeys.")]
    public static partial void TrustedCredentialKey(ILogger logger, string keyId, string publicKey, bool signing);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "gRPC endpoint (agents, scan servers) {Address}; TLS certificate {Path} SHA-256 {Fingerprint} (pin it with Svm:CenterCertificateSha256)")]
    public static partial void GrpcCertificate(ILogger logger, string address, string path, string fingerprint);

    [LoggerMessage(EventId = 26, Level = LogLevel.Information,
        Message = "REST API and console https://{Address}; TLS certificate {Path} SHA-256 {Fingerprint} (pin it: lightshield login --center-cert-sha256)")]
    public static partial void RestCertificate(ILogger logger, string address, string path, string fingerprint);

    [LoggerMessage(EventId = 27, Level = LogLevel.Warning, Message = "REST API and console http://{Address} without TLS (loopback only)")]
    public static partial void RestPlaintext(ILogger logger, string address);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "gRPC endpoint (agents, scan servers) {Address} without TLS (loopback only)")]
    public static partial void GrpcPlaintext(ILogger logger, string address);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "Scan server {ServerId} registered: {Address}, host {HypervisorHost}, segment {Segment}")]
    public static partial void ScanServerRegistered(ILogger logger, string serverId, string address, string hypervisorHost, string segment);

    [LoggerMessage(EventId = 24, Level = LogLevel.Information, Message = "Agent {AgentId} of tenant {TenantId} enrolled ({HostName} on {HypervisorHost})")]
    public static partial void AgentEnrolled(ILogger logger, Guid agentId, Guid tenantId, string hostName, string hypervisorHost);

    [LoggerMessage(EventId = 25, Level = LogLevel.Information, Message = "Integration options: {Options}")]
    public static partial void EffectiveIntegrationOptions(ILogger logger, string options);

    [LoggerMessage(EventId = 28, Level = LogLevel.Information, Message = "Agent {AgentId} runs on hypervisor host {ReportedHost} (declared or last seen: {PreviousHost}), as scan server {ServerId} on that host reports serving it")]
    public static partial void AgentHostFromScanServer(ILogger logger, Guid agentId, string previousHost, string reportedHost, string serverId);

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "The licence of tenant {TenantId} was not evaluated at this enrolment (other enrolments kept changing it); the periodic evaluation will: {Reason}")]
    public static partial void LicenceEvaluationDeferred(ILogger logger, Guid tenantId, string reason);

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "The link to the main center {MainAddress} failed; its items stay queued: {Reason}")]
    public static partial void LinkExchangeFailed(ILogger logger, string mainAddress, string reason);
}

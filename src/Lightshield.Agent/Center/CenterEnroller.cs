using Google.Protobuf;
using Grpc.Core;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Health;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Quarantine;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Center;

/// <summary>Trades the tenant's enrolment token for the agent's own credential, once: with its own public keys (restore, proof), host
/// name, hypervisor host, vCPUs, group and OS. A refused token is logged as an error saying what to fix and retried
/// with a growing pause (the token file is read again at each attempt); the agent never exits over it.</summary>
public sealed partial class CenterEnroller(
    CenterConnection center,
    EnrolmentStore store,
    AgentKeyPair keys,
    ProofKey proofKey,
    IOptions<AgentOptions> options,
    IOptions<ActionOptions> actions,
    TimeProvider time,
    ILogger<CenterEnroller> logger)
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LongestRetry = TimeSpan.FromMinutes(5);

    /// <summary>Returns once the agent has a credential (at once when it enrolled before).</summary>
    public async Task EnsureEnrolledAsync(CancellationToken cancellationToken)
    {
        var pause = FirstRetry;
        while (store.Current is null)
        {
            if (await EnrolOnceAsync(cancellationToken).ConfigureAwait(false) == EnrolmentOutcome.Enrolled)
            {
                return;
            }
            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestRetry.Ticks));
        }
    }

    /// <summary>One enrolment attempt (<c>lightshield-agent enrol</c> makes its own retries).</summary>
    public async Task<EnrolmentOutcome> EnrolOnceAsync(CancellationToken cancellationToken)
    {
        var agent = options.Value;
        var token = ReadToken(agent);
        if (string.IsNullOrWhiteSpace(token))
        {
            LogNoToken(logger, agent.Center!);
            return EnrolmentOutcome.Refused;
        }
        var request = new EnrolRequest
        {
            EnrolmentToken = token.Trim(),
            HostName = agent.HostName,
            HypervisorHost = agent.HypervisorHost,
            VirtualCpus = SystemFacts.VirtualCpus(),
            InstanceId = InstanceIdentity.Of(agent.InstanceId),
            Group = agent.Group ?? "",
            OperatingSystem = SystemFacts.OperatingSystem(),
            QuarantineKeyId = ConfiguredQuarantineKeyId() ?? "",
            AgentPublicKey = ByteString.CopyFrom(keys.PublicKey),
            AgentProofKey = ByteString.CopyFrom(proofKey.PublicKeyInfo),
        };
        try
        {
            var response = await center.Gateway.EnrolAsync(request, deadline: DateTime.UtcNow + CenterConnection.CallTimeout,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(response.Credential) || string.IsNullOrEmpty(response.ScanCredential) || string.IsNullOrEmpty(response.AgentId))
            {
                LogIncomplete(logger, agent.Center!);
                return EnrolmentOutcome.Unreachable;
            }
            store.Save(new EnrolmentRecord(response.AgentId, response.TenantId, response.Credential,
                DateTimeOffset.FromUnixTimeMilliseconds(response.CredentialExpiresUnixMs),
                response.QuarantinePublicKey.IsEmpty ? null : Convert.ToBase64String(response.QuarantinePublicKey.Span), response.ScanCredential));
            LogEnrolled(logger, agent.Center!, response.AgentId, response.TenantId);
            return EnrolmentOutcome.Enrolled;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied
                                                 or StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.NotFound)
        {
            LogRefused(logger, agent.Center!, exception.Status.Detail);
            return EnrolmentOutcome.Refused;
        }
        catch (RpcException exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, agent.Center!, exception.Status.Detail);
            return EnrolmentOutcome.Unreachable;
        }
    }

    private string? ReadToken(AgentOptions agent)
    {
        if (agent.EnrolmentTokenFile is not { Length: > 0 } file)
        {
            return agent.EnrolmentToken;
        }
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            LogTokenFileUnreadable(logger, file, exception.Message);
            return null;
        }
    }

    private string? ConfiguredQuarantineKeyId() =>
        actions.Value.QuarantinePublicKeyFile is { Length: > 0 } file && File.Exists(file)
            ? QuarantineKeys.ImportPublicKeyPem(File.ReadAllText(file)).Fingerprint
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Enrolled with the center {Center}: agent {AgentId} of tenant {TenantId}")]
    private static partial void LogEnrolled(ILogger logger, Uri center, string agentId, string tenantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Enrolment with the center {Center} refused: {Reason}. Check Agent:EnrolmentToken (or the file Agent:EnrolmentTokenFile): the tenant administrator issues enrolment tokens. Trying again later")]
    private static partial void LogRefused(ILogger logger, Uri center, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot enrol with the center {Center}: no enrolment token (set Agent:EnrolmentToken or Agent:EnrolmentTokenFile). Trying again later")]
    private static partial void LogNoToken(ILogger logger, Uri center);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot read the enrolment token file {File}: {Reason}")]
    private static partial void LogTokenFileUnreadable(ILogger logger, string file, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "The center {Center} answered the enrolment without an agent id or credential. Trying again later")]
    private static partial void LogIncomplete(ILogger logger, Uri center);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot reach the center {Center} to enrol ({Reason}); trying again later")]
    private static partial void LogUnreachable(ILogger logger, Uri center, string reason);
}

/// <summary>How one enrolment attempt ended: refused (the token, or none) is final until someone fixes it; unreachable may pass.</summary>
public enum EnrolmentOutcome
{
    Enrolled,
    Refused,
    Unreachable,
}

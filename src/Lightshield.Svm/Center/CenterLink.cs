using Grpc.Core;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Transport;
using Lightshield.Svm.Admission;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Hosting;
using Lightshield.Svm.Security;
using Lightshield.Svm.Workers;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Center;

/// <summary>
/// Registers with the center and heartbeats (host, segment, capacity, load, engine and database version, the agents it
/// served since the last answered heartbeat, the retro-active check's findings for the center's retro-hunt), and takes
/// the center's credential keys (and linked tenant centers' keys, each for its own tenant) and revocation list from each answer. When the center is unreachable the scan server
/// keeps serving with what it last received: the scan path never waits for the center.
/// </summary>
public sealed class CenterLink(
    IOptions<SvmOptions> options,
    ScanServerEndpoints endpoints,
    ScanWorkers engine,
    AdmissionController admission,
    IOptions<AdmissionOptions> admissionOptions,
    TrustedCredentialKeys keys,
    CredentialRevocations revocations,
    ServedAgents served,
    RetroFindings findings,
    TimeProvider time,
    ILogger<CenterLink> logger) : BackgroundService
{
    private readonly SvmOptions _options = options.Value;

    /// <summary>Heartbeats answered by the center since start.</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    private long _acknowledged;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Center is null)
        {
            return;
        }
        var serverId = ScanServerIdentity.LoadOrCreate(_options.DataDirectory);
        using var channel = GrpcChannels.Open(_options.Center, _options.CenterCertificateSha256);
        var client = new ScanServerGateway.ScanServerGatewayClient(channel);
        var headers = new Metadata { { AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + _options.CenterToken } };
        var interval = _options.HeartbeatInterval;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var heartbeat = Heartbeat(serverId);
            try
            {
                var response = await client.HeartbeatAsync(heartbeat, headers,
                    deadline: DateTime.UtcNow + interval, cancellationToken: stoppingToken).ConfigureAwait(false);
                Apply(response);
                if (response.HeartbeatIntervalSeconds is > 0 and <= 20)
                {
                    interval = TimeSpan.FromSeconds(response.HeartbeatIntervalSeconds);
                }
                Interlocked.Increment(ref _acknowledged);
                failures = 0;
            }
            catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
            {
                served.Return(heartbeat.ServedAgentIds.Select(Guid.Parse));
                findings.Return(heartbeat.RetroFindings);
                failures++;
                SvmLog.CenterUnreachable(logger, _options.Center.ToString(), e.Status.StatusCode.ToString(), e.Status.Detail, failures);
            }
            // Jitter (±10 %) so that scan servers started together do not heartbeat in lockstep.
            var jitter = interval * ((Random.Shared.NextDouble() - 0.5) / 5);
            await Task.Delay(interval + jitter, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private ScanServerHeartbeat Heartbeat(string serverId)
    {
        var capacity = admissionOptions.Value.MaxConcurrentScans;
        var waiting = admission.QueueDepth(ScanPriority.OnAccess) + admission.QueueDepth(ScanPriority.OnDemand)
            + admission.QueueDepth(ScanPriority.Scheduled);
        return new ScanServerHeartbeat
        {
            ServerId = serverId,
            Address = (_options.AdvertisedAddress ?? endpoints.GrpcAddress).ToString(),
            CertificateSha256 = endpoints.CertificateFingerprint ?? "",
            HypervisorHost = _options.HypervisorHost,
            Segment = _options.Segment,
            Site = _options.Site,
            Capacity = capacity,
            Load = (double)(admission.Running + waiting) / capacity,
            EngineVersion = engine.EngineVersion,
            DatabaseVersion = engine.Database.Version,
            ServedAgentIds = { served.Take().Select(id => id.ToString()) },
            RetroFindings = { findings.Take() },
        };
    }

    private void Apply(HeartbeatResponse response)
    {
        foreach (var refused in keys.ReplaceFromCenter(response.TrustedCredentialKeys, response.TenantCredentialKeys))
        {
            SvmLog.CenterKeyRefused(logger, refused);
        }
        var revoked = new List<Guid>(response.RevokedCredentials.Count);
        foreach (var id in response.RevokedCredentials)
        {
            if (Guid.TryParse(id, out var credentialId))
            {
                revoked.Add(credentialId);
            }
        }
        revocations.Replace(revoked);
    }
}

using Grpc.Core;
using Lightshield.Protocol.Center;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary><c>ScanServerGateway.Heartbeat</c>: registers or updates the scan server and answers with the center's
/// trusted credential keys, the revocation list and the heartbeat interval. Authenticated by
/// <see cref="ScanServerAuthenticationInterceptor"/>.</summary>
public sealed class ScanServerGatewayService(
    ScanServerRegistry registry,
    CurrentScanServerToken token,
    CenterSigningKeys keys,
    CredentialRevocationList revocations,
    IOptions<IntegrationOptions> options) : ScanServerGateway.ScanServerGatewayBase
{
    public override async Task<HeartbeatResponse> Heartbeat(ScanServerHeartbeat request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var problems = Check(request);
        if (problems.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", problems)));
        }
        var ct = context.CancellationToken;
        await registry.RecordHeartbeatAsync(request, token.Id ?? throw new InvalidOperationException("The call was not authenticated."), ct);
        var response = new HeartbeatResponse { HeartbeatIntervalSeconds = (int)options.Value.HeartbeatInterval.TotalSeconds };
        response.TrustedCredentialKeys.AddRange((await keys.CurrentAsync(ct)).Trusted.Select(k => k.Encoded));
        response.RevokedCredentials.AddRange((await revocations.CurrentAsync(ct)).Select(id => id.ToString()));
        return response;
    }

    private static List<string> Check(ScanServerHeartbeat heartbeat)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(heartbeat.ServerId) || heartbeat.ServerId.Length > 100)
        {
            problems.Add("'server_id' is required (at most 100 characters)");
        }
        // Port 0 is what a scan server announces before its listener is bound: not an address an agent can dial.
        if (!Uri.TryCreate(heartbeat.Address, UriKind.Absolute, out var address) || address.Scheme is not ("https" or "http")
            || address.Port == 0 || heartbeat.Address.Length > 500)
        {
            problems.Add($"'address' '{heartbeat.Address}' is not an https://host:port address agents can dial");
        }
        if (heartbeat.CertificateSha256.Length > 100)
        {
            problems.Add("'certificate_sha256' is too long");
        }
        if (string.IsNullOrWhiteSpace(heartbeat.HypervisorHost) || heartbeat.HypervisorHost.Length > 255)
        {
            problems.Add("'hypervisor_host' is required (at most 255 characters)");
        }
        if (string.IsNullOrWhiteSpace(heartbeat.Segment) || heartbeat.Segment.Length > 200)
        {
            problems.Add("'segment' is required (at most 200 characters)");
        }
        if (heartbeat.Capacity < 1)
        {
            problems.Add("'capacity' must be at least 1");
        }
        if (!double.IsFinite(heartbeat.Load) || heartbeat.Load < 0)
        {
            problems.Add("'load' must be a finite number, at least 0");
        }
        if (heartbeat.EngineVersion.Length > 100 || heartbeat.DatabaseVersion.Length > 200)
        {
            problems.Add("'engine_version' or 'database_version' is too long");
        }
        return problems;
    }
}

using Grpc.Core;
using Lightshield.Center.Hunts;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Transport;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary><c>ScanServerGateway.Heartbeat</c>: registers or updates the scan server, applies its report of the agents it
/// served (<see cref="ServedAgentsReport"/>), starts the retro-hunts its findings call for (<see cref="RetroHuntDispatch"/>)
/// and answers with the center's
/// trusted credential keys (and the keys of linked tenant centers of its segment, each for its own tenant), the revocation list and the heartbeat interval. Authenticated by
/// <see cref="ScanServerAuthenticationInterceptor"/>.</summary>
public sealed class ScanServerGatewayService(
    ScanServerRegistry registry,
    ServedAgentsReport served,
    CurrentScanServerToken token,
    CenterSigningKeys keys,
    CredentialRevocationList revocations,
    RetroHuntDispatch retroHunts,
    Hierarchy.LinkedCenterKeys centerKeys,
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
        var binding = token.RequireServer(request.ServerId);
        // A server older than sites sends none: it is in the default site, and so must its token be.
        var site = request.Site.Length == 0 ? SiteNames.Default : request.Site;
        if (!string.Equals(request.HypervisorHost, binding.HypervisorHost, StringComparison.Ordinal)
            || !string.Equals(request.Segment, binding.Segment, StringComparison.Ordinal)
            || !string.Equals(site, binding.Site, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"this scan-server token was created for hypervisor host '{binding.HypervisorHost}' in segment '{binding.Segment}', site '{binding.Site}', "
                + $"not '{request.HypervisorHost}' in '{request.Segment}', site '{site}'"));
        }
        request.Site = site;
        var ct = context.CancellationToken;
        await registry.RecordHeartbeatAsync(request, token.Id ?? throw new InvalidOperationException("The call was not authenticated."), ct);
        await served.ApplyAsync(request.ServerId, request.HypervisorHost, request.Segment, request.ServedAgentIds, ct);
        await retroHunts.StartAsync(request.ServerId, request.Segment, request.RetroFindings, ct);
        var response = new HeartbeatResponse { HeartbeatIntervalSeconds = (int)options.Value.HeartbeatInterval.TotalSeconds };
        response.TrustedCredentialKeys.AddRange((await keys.CurrentAsync(ct)).Trusted.Select(k => k.Encoded));
        response.TenantCredentialKeys.AddRange(await centerKeys.ForSegmentAsync(request.Segment, ct));
        response.RevokedCredentials.AddRange((await revocations.CurrentAsync(ct)).Select(id => id.ToString()));
        response.RevokedCredentials.AddRange(await centerKeys.RevokedAsync(ct));
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
        // Plain http only on loopback (one machine, tests): elsewhere agents' files and credentials would cross the network
        // in clear text to whoever answers.
        if (!Uri.TryCreate(heartbeat.Address, UriKind.Absolute, out var address) || address.Port == 0 || heartbeat.Address.Length > 500
            || !ServerAddress.IsAcceptable(address))
        {
            problems.Add($"'address' '{heartbeat.Address}' is not an https://host:port address agents can dial (http:// only on loopback)");
        }
        if (heartbeat.ServedAgentIds.Count > ServedAgentsReport.MaxAgents)
        {
            problems.Add($"'served_agent_ids' has more than {ServedAgentsReport.MaxAgents} ids");
        }
        if (RetroHuntDispatch.Check(heartbeat.RetroFindings) is { } retro)
        {
            problems.Add(retro);
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
        if (heartbeat.Site.Length > 0 && !SiteNames.IsValid(heartbeat.Site))
        {
            problems.Add($"'site' must be {SiteNames.Rule}");
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

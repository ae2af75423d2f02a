using Grpc.Core;
using Lightshield.Protocol.Center;

namespace Lightshield.Testing.Center;

/// <summary>The center's side of the scan-server heartbeat: records each heartbeat with its authorization header and
/// answers with the credential keys and revocations the test set.</summary>
public sealed class FakeScanServerGateway : ScanServerGateway.ScanServerGatewayBase
{
    public Recorded<(ScanServerHeartbeat Heartbeat, string? Authorization)> Received { get; } = new();

    /// <summary>The agent-credential public keys (base64) every answer carries.</summary>
    public IReadOnlyList<string> Keys { get; set; } = [];

    /// <summary>The revoked credential ids every answer carries.</summary>
    public IReadOnlyList<string> Revoked { get; set; } = [];

    /// <summary>The heartbeat interval the answers ask for.</summary>
    public int HeartbeatIntervalSeconds { get; set; } = 1;

    public override Task<HeartbeatResponse> Heartbeat(ScanServerHeartbeat request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = new HeartbeatResponse { HeartbeatIntervalSeconds = HeartbeatIntervalSeconds };
        response.TrustedCredentialKeys.AddRange(Keys);
        response.RevokedCredentials.AddRange(Revoked);
        Received.Add((request, context.RequestHeaders.GetValue("authorization")));
        return Task.FromResult(response);
    }
}

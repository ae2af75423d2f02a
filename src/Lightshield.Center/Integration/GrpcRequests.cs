using Grpc.AspNetCore.Server;

namespace Lightshield.Center.Integration;

/// <summary>Tells gRPC calls from REST requests. gRPC calls authenticate in their interceptors (agent credential,
/// scan-server token) and set their scope there, not through the REST API's bearer-token handler.</summary>
public static class GrpcRequests
{
    public static bool IsGrpc(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>() is not null;
    }
}

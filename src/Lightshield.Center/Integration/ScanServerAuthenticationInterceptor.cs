using Grpc.Core;
using Grpc.Core.Interceptors;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary>Authenticates every <c>ScanServerGateway</c> call by the provider's scan-server token
/// (<c>authorization: Bearer lss_...</c>, compared by its SHA-256) and binds the call to the provider scope: a scan
/// server is the provider's infrastructure and sees no tenant's rows.</summary>
public sealed class ScanServerAuthenticationInterceptor(IServiceScopeFactory scopes) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthenticateAsync(context);
        return await continuation(request, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthenticateAsync(context);
        await continuation(request, responseStream, context);
    }

    private async Task AuthenticateAsync(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthenticated("no scan-server token: send 'authorization: Bearer lss_...' (Svm:CenterToken)");
        }
        var hash = SecretTokens.HashOf(header["Bearer ".Length..].Trim());
        ScanServerToken? token;
        await using (var provider = scopes.CreateScope(TenantScope.Provider))
        {
            token = await provider.ServiceProvider.GetRequiredService<CenterDbContext>().ScanServerTokens.AsNoTracking()
                .FirstOrDefaultAsync(t => t.SecretHash == hash, context.CancellationToken);
        }
        if (token is null)
        {
            throw Unauthenticated("the scan-server token is not known");
        }
        if (token.RevokedAt is not null)
        {
            throw Unauthenticated("the scan-server token has been revoked");
        }
        var services = context.GetHttpContext().RequestServices;
        services.GetRequiredService<CurrentTenantScope>().Set(TenantScope.Provider);
        services.GetRequiredService<CurrentActor>().Name = $"scan-server-token:{token.Name}";
        var current = services.GetRequiredService<CurrentScanServerToken>();
        current.Id = token.Id;
        current.Binding = new ScanServerBinding(token.ServerId, token.HypervisorHost, token.Segment, token.Site);
    }

    private static RpcException Unauthenticated(string detail) => new(new Status(StatusCode.Unauthenticated, detail));
}

/// <summary>The scan-server token of the current call (one per DI scope).</summary>
public sealed class CurrentScanServerToken
{
    public Guid? Id { get; set; }

    /// <summary>The scan server the token was created for.</summary>
    public ScanServerBinding? Binding { get; set; }

    /// <summary>Refuses (<c>PERMISSION_DENIED</c>) a call that speaks for another scan server than the token's.</summary>
    public ScanServerBinding RequireServer(string serverId)
    {
        var binding = Binding ?? throw new InvalidOperationException("The call was not authenticated.");
        if (!string.Equals(serverId, binding.ServerId, StringComparison.Ordinal))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"this scan-server token was created for server '{binding.ServerId}', not '{serverId}'"));
        }
        return binding;
    }
}

/// <summary>What a scan-server token was created for: the one server id, hypervisor host, segment and site it may declare.</summary>
public sealed record ScanServerBinding(string ServerId, string HypervisorHost, string Segment, string Site);

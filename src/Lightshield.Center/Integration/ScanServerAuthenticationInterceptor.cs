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
        services.GetRequiredService<CurrentScanServerToken>().Id = token.Id;
    }

    private static RpcException Unauthenticated(string detail) => new(new Status(StatusCode.Unauthenticated, detail));
}

/// <summary>The scan-server token of the current call (one per DI scope).</summary>
public sealed class CurrentScanServerToken
{
    public Guid? Id { get; set; }
}

using Grpc.Core;
using Lightshield.Center.Hierarchy.Moves;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>The main center's end of the link: authenticates the tenant center by its link credential, applies the
/// upward items once (<see cref="LinkUpstream"/>) and answers with what flows down (<see cref="LinkDownstream"/>).
/// Works in a system scope of its own, bound by the credential to one tenant: nothing in the request names whose data it is.</summary>
public sealed class LinkGatewayService(IServiceScopeFactory scopes, TenantExport export, TenantBackImport backImport, TimeProvider time)
    : CenterLink.CenterLinkBase
{
    public override async Task<LinkMoveApplied> PushTenant(IAsyncStreamReader<LinkTenantRows> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        LinkedCenter link;
        await using (var scope = scopes.CreateSystemScope())
        {
            link = await AuthenticateAsync(scope.ServiceProvider.GetRequiredService<CenterDbContext>(), context);
        }
        return await backImport.ImportAsync(link, requestStream, context.CancellationToken);
    }

    public override async Task PullTenant(LinkPullTenantRequest request, IServerStreamWriter<LinkTenantRows> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        LinkedCenter link;
        await using (var scope = scopes.CreateSystemScope())
        {
            link = await AuthenticateAsync(scope.ServiceProvider.GetRequiredService<CenterDbContext>(), context);
        }
        await export.StreamAsync(link, request.MoveId, responseStream, context.CancellationToken);
    }

    public override async Task<LinkExchangeResponse> Exchange(LinkExchangeRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateSystemScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<CenterDbContext>();
        var link = await AuthenticateAsync(db, context);
        if (request.TenantId.Length > 0 && request.TenantId != link.TenantId.ToString())
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"this link credential was issued for another tenant than the one this center owns ({request.TenantId})"));
        }
        var problems = LinkRequestLimits.Check(request, now);
        if (problems.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "the exchange was refused, nothing of it applied: "
                + string.Join("; ", problems)));
        }
        services.GetRequiredService<CurrentActor>().Name = $"tenant-center:{link.Name}";
        await services.GetRequiredService<LinkUpstream>().ApplyAsync(db, link, request, now, context.CancellationToken);
        return await services.GetRequiredService<LinkDownstream>().BuildAsync(db, link, request, context.CancellationToken);
    }

    private static async Task<LinkedCenter> AuthenticateAsync(CenterDbContext db, ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw Unauthenticated($"no link credential: send 'authorization: Bearer {LinkedCenter.Prefix}...' (Center:Link:Credential)");
        }
        var hash = SecretTokens.HashOf(header["Bearer ".Length..].Trim());
        var link = await db.LinkedCenters.FirstOrDefaultAsync(c => c.SecretHash == hash, context.CancellationToken)
            ?? throw Unauthenticated("the link credential is not known");
        return link.RevokedAt is null ? link : throw Unauthenticated("the link credential has been revoked (the center was unlinked)");
    }

    private static RpcException Unauthenticated(string detail) => new(new Status(StatusCode.Unauthenticated, detail));
}

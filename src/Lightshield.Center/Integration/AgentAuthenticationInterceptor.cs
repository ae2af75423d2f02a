using Grpc.Core;
using Grpc.Core.Interceptors;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Integration;

/// <summary>
/// Authenticates every <c>AgentGateway</c> call except <c>Enrol</c> by its agent credential before the handler runs:
/// signature by one of the center's keys and validity (<see cref="CredentialVerifier"/>), then the agent's row (it
/// exists, belongs to the credential's tenant, holds this credential id and is not revoked), the call's proof of
/// possession of the key the credential names (<see cref="ProofVerifier"/>), and its tenant (active;
/// a suspended tenant's agent may still <c>Sync</c> to learn that it is suspended). Then it binds the call to the
/// agent's tenant scope, so everything the handler reads or writes is that tenant's by construction.
/// </summary>
public sealed class AgentAuthenticationInterceptor(CenterSigningKeys keys, ProofVerifier proofs, IServiceScopeFactory scopes,
    Hierarchy.Moves.FormerCenterKeys formerKeys) : Interceptor
{
    private static readonly string EnrolMethod = $"/{AgentGateway.Descriptor.FullName}/Enrol";
    private static readonly string SyncMethod = $"/{AgentGateway.Descriptor.FullName}/Sync";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (context.Method != EnrolMethod)
        {
            await AuthenticateAsync(context);
        }
        return await continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthenticateAsync(context);
        return await continuation(requestStream, context);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthenticateAsync(context);
        await continuation(request, responseStream, context);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        await AuthenticateAsync(context);
        await continuation(requestStream, responseStream, context);
    }

    private async Task AuthenticateAsync(ServerCallContext context)
    {
        var credential = CredentialVerifier.FromAuthorizationHeader(context.RequestHeaders.GetValue(AgentCredentialFormat.MetadataKey));
        var verifier = (await keys.CurrentAsync(context.CancellationToken)).Verifier;
        var check = verifier.Verify(credential);
        // A moved tenant's agent arrives with the credential of the center it moved from; its row here, imported with
        // the same credential id, is checked below like any other.
        var signedElsewhere = false;
        if (!check.IsValid && credential is not null && await formerKeys.VerifyAsync(credential, context.CancellationToken) is { } formerCheck)
        {
            (check, signedElsewhere) = (formerCheck, true);
        }
        if (!check.IsValid)
        {
            throw Unauthenticated(credential is null
                ? "no agent credential: send 'authorization: Bearer lsa1...' (the credential from Enrol)"
                : check.Failure!);
        }
        var claims = check.Claims!;
        if (proofs.Check(claims, credential!, context.Method, context.RequestHeaders.GetValue(PossessionProof.MetadataKey)) is { } refused)
        {
            throw Unauthenticated(refused);
        }

        // Which tenant the agent belongs to is what is being established: the look-up runs in a system scope.
        AuthenticatedAgent agent;
        await using (var system = scopes.CreateSystemScope())
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            var found = await (from a in db.Agents
                               join t in db.Tenants on a.TenantId equals t.Id
                               join s in db.Segments on t.SegmentId equals s.Id
                               where a.Id == claims.AgentId
                               select new { a.TenantId, a.CredentialId, a.RevokedAt, a.HypervisorHost, t.State, Segment = s.Name })
                .AsNoTracking().FirstOrDefaultAsync(context.CancellationToken);
            if (found is null || found.TenantId != claims.TenantId || found.CredentialId != claims.CredentialId.ToString("N"))
            {
                throw Unauthenticated("the agent credential does not belong to an enrolled agent");
            }
            if (found.RevokedAt is not null)
            {
                throw Unauthenticated("the agent has been revoked; enrol it again");
            }
            agent = new AuthenticatedAgent(claims, claims.AgentId, found.TenantId, found.HypervisorHost, found.Segment,
                found.State == TenantState.Active, signedElsewhere);
        }
        if (!agent.TenantActive && context.Method != SyncMethod)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the agent's tenant is suspended"));
        }

        var services = context.GetHttpContext().RequestServices;
        services.GetRequiredService<CurrentTenantScope>().Set(TenantScope.ForTenant(agent.TenantId));
        services.GetRequiredService<CurrentActor>().Name = $"agent:{agent.AgentId}";
        services.GetRequiredService<CurrentAgent>().Set(agent);
    }

    private static RpcException Unauthenticated(string detail) => new(new Status(StatusCode.Unauthenticated, detail));
}

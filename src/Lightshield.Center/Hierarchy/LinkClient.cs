using System.Reflection;
using Grpc.Core;
using Grpc.Net.Client;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Link;
using Lightshield.Protocol.Transport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Hierarchy;

/// <summary>
/// On a tenant center: the link's one client. Each round queues the aggregates that changed, sends the queue oldest
/// first in batches, drops what the main center acknowledged and applies what came down. The tenant center only ever
/// dials out, to the pinned certificate of the main center; a failed round leaves everything queued for the next one.
/// </summary>
public sealed class LinkClient(IServiceScopeFactory scopes, LinkAggregates aggregates, LinkApplier applier, Moves.TenantImport import,
    Moves.TenantPush push, Integration.CenterSigningKeys signingKeys, Integration.CredentialRevocationList revocations, IOptions<LinkOptions> options, TimeProvider time, ILogger<LinkClient> logger) : BackgroundService
{
    private static readonly string Version = typeof(LinkClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? "unknown";

    private readonly SemaphoreSlim _round = new(1, 1);
    private GrpcChannel? _channel;

    /// <summary>One round now (tests and <c>lightshield up</c> call it; the background loop calls it every interval).
    /// Throws what the main center answered when it refused the round.</summary>
    public async Task ExchangeOnceAsync(CancellationToken cancellationToken)
    {
        await _round.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateSystemScope();
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            var state = await db.LinkStates.FirstOrDefaultAsync(cancellationToken);
            if (state is null)
            {
                state = new LinkState();
                db.LinkStates.Add(state);
                await db.SaveChangesAsync(cancellationToken);
            }
            var now = time.GetUtcNow();
            state.LastAttemptAt = now;
            try
            {
                if (state.TenantId != Guid.Empty)
                {
                    foreach (var (key, value, item) in await aggregates.CollectAsync(state.TenantId, cancellationToken))
                    {
                        await LinkOutbox.EnqueueAsync(db, state, key, value, item, now, cancellationToken);
                    }
                    await db.SaveChangesAsync(cancellationToken);
                }
                var client = new CenterLink.CenterLinkClient(Channel());
                var headers = new Metadata { { "authorization", $"Bearer {options.Value.Credential}" } };
                while (true)
                {
                    var batch = await LinkOutbox.PeekAsync(db, LinkRequestLimits.MaxItems, cancellationToken);
                    var request = new LinkExchangeRequest
                    {
                        CenterVersion = Version,
                        TenantId = state.TenantId == Guid.Empty ? "" : state.TenantId.ToString(),
                        PolicyTemplateSha256 = state.PolicyTemplateSha256 ?? "",
                    };
                    request.Items.AddRange(batch);
                    // The main center's scan servers accept this center's agents' scan credentials through these (decision 63).
                    request.AgentKeys.AddRange((await signingKeys.CurrentAsync(cancellationToken)).Trusted.Take(LinkedCenterKeys.MaxKeys)
                        .Select(k => k.Encoded));
                    request.RevokedCredentials.AddRange((await revocations.CurrentAsync(cancellationToken)).Take(LinkedCenterKeys.MaxRevoked)
                        .Select(id => id.ToString()));
                    var response = await client.ExchangeAsync(request, headers, deadline: DateTime.UtcNow.AddSeconds(30),
                        cancellationToken: cancellationToken);
                    await LinkOutbox.AcknowledgeAsync(db, response.AcknowledgedSequence, now, cancellationToken);
                    await applier.ApplyAsync(db, state, response, cancellationToken);
                    await MoveBackAsync(db, state, client, headers, response.MoveOut, cancellationToken);
                    // A move in is reported applied at once, so its agents are redirected one round earlier.
                    if (batch.Count < LinkRequestLimits.MaxItems && !await MoveInAsync(db, state, client, headers, response.MoveIn, now, cancellationToken))
                    {
                        break;
                    }
                }
                state.LastExchangeAt = time.GetUtcNow();
                state.LastError = null;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                state.LastError = e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message;
                throw;
            }
            finally
            {
                db.ChangeTracker.Clear();
                await db.LinkStates.Where(s => s.Id == state.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(x => x.LastAttemptAt, state.LastAttemptAt)
                    .SetProperty(x => x.LastExchangeAt, state.LastExchangeAt)
                    .SetProperty(x => x.LastError, state.LastError), CancellationToken.None);
            }
        }
        finally
        {
            _round.Release();
        }
    }

    /// <summary>Imports a move ordered at the main center (once) and queues its report; true when it queued one.</summary>
    private async Task<bool> MoveInAsync(CenterDbContext db, LinkState state, CenterLink.CenterLinkClient client, Metadata headers,
        LinkMoveOrder? order, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (order is null || await db.LinkMarks.AnyAsync(m => m.Key == $"move:{order.MoveId}", cancellationToken))
        {
            return false;
        }
        var applied = await import.PullAndImportAsync(client, headers, state.TenantId, order, cancellationToken);
        state.MovedFromAgentKeys = string.Join('\n', order.AgentKeys);
        (state.RedirectAddress, state.RedirectCertificateSha256) = (null, null);
        await LinkOutbox.EnqueueAsync(db, state, $"move:{order.MoveId}", "applied", new LinkUpItem { MoveApplied = applied }, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Pushes the tenant back to the main center when that was ordered, once; its agents are sent there from then on.</summary>
    private async Task MoveBackAsync(CenterDbContext db, LinkState state, CenterLink.CenterLinkClient client, Metadata headers, LinkMoveOut? order,
        CancellationToken cancellationToken)
    {
        if (order is null || await db.LinkMarks.AnyAsync(m => m.Key == $"move:{order.MoveId}", cancellationToken))
        {
            return;
        }
        await push.PushAsync(client, headers, state, order, cancellationToken);
        db.LinkMarks.Add(new LinkMark { Key = $"move:{order.MoveId}", Value = "pushed", UpdatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ExchangeOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Whatever failed (the network, the main center's answer, this database), the items stay queued and the
                // center keeps serving its tenant: a broken link never stops the process.
                CenterLog.LinkExchangeFailed(logger, options.Value.MainAddress ?? "", e.Message);
            }
            try
            {
                await Task.Delay(options.Value.Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private GrpcChannel Channel() => _channel ??= GrpcChannels.Open(new Uri(options.Value.MainAddress!), options.Value.MainCertificateSha256);

    public override void Dispose()
    {
        _channel?.Dispose();
        _round.Dispose();
        base.Dispose();
    }
}

using Grpc.Core;
using Lightshield.Center.Integration;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Center;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Push;

/// <summary>Serves one agent's <c>Subscribe</c> stream (already authenticated): a hello, then each nudge, a keep-alive
/// when idle, and the end after <see cref="PushOptions.MaxStreamLifetime"/>, when the agent is revoked or when it
/// subscribes again elsewhere on this instance.</summary>
public sealed class AgentPushStream(AgentPushHub hub, CenterDbContext db, IOptions<PushOptions> options, TimeProvider time)
{
    public async Task ServeAsync(AuthenticatedAgent caller, IServerStreamWriter<Nudge> stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(stream);
        var settings = options.Value;
        if (!settings.Enabled)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the push channel is turned off on this center; sync as usual"));
        }
        if (!caller.TenantActive)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, "the tenant is suspended"));
        }
        var groupId = await db.Agents.AsNoTracking().Where(a => a.Id == caller.AgentId).Select(a => a.GroupId).FirstAsync(cancellationToken);
        using var subscription = hub.Subscribe(caller.AgentId, caller.TenantId, groupId, settings.MaxSubscriptions)
            ?? throw new RpcException(new Status(StatusCode.ResourceExhausted, "this center holds as many push streams as it may; retry later"));
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        lifetime.CancelAfter(settings.MaxStreamLifetime * (0.9 + (Random.Shared.NextDouble() * 0.2)));
        await SendAsync(stream, NudgeReasons.Hello, lifetime.Token);
        try
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
                idle.CancelAfter(settings.KeepAliveInterval);
                string reason;
                try
                {
                    if (!await subscription.Nudges.WaitToReadAsync(idle.Token) || !subscription.Nudges.TryRead(out reason!))
                    {
                        return; // replaced by a newer stream of this agent, or revoked
                    }
                }
                catch (OperationCanceledException) when (!lifetime.IsCancellationRequested)
                {
                    reason = NudgeReasons.KeepAlive;
                }
                await SendAsync(stream, reason, lifetime.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The stream's lifetime is over: it ends normally, and the agent opens a new one.
        }
    }

    private Task SendAsync(IServerStreamWriter<Nudge> stream, string reason, CancellationToken cancellationToken) =>
        stream.WriteAsync(new Nudge { Reason = reason, SentUnixMs = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken);
}

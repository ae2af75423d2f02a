using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Policies;
using Lightshield.Quarantine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lightshield.Agent.Tests.Center;

/// <summary>
/// The center's half of <c>AgentGateway</c> as the protocol defines it, small and on loopback: it enrols with one
/// enrolment token and issues real signed credentials, checks the credential of every other call, hands out what a
/// test puts in its answers, grants full-scan leases from a fixed number of slots, and keeps the tenant's quarantine
/// private key so it can turn a <c>quarantine-item</c> event into a restore order. It records what it receives,
/// duplicates included, so tests see exactly what the agent sent.
/// </summary>
internal sealed class FakeCenter : AgentGateway.AgentGatewayBase, IAsyncDisposable
{
    public const string GoodToken = "lset_good-enrolment-token";

    private readonly CredentialVerifier _verifier;
    private readonly Lock _leaseLock = new();
    private readonly Dictionary<string, string> _leases = []; // lease id → task id
    private WebApplication? _app;

    public FakeCenter()
    {
        _verifier = new CredentialVerifier([SigningKey.PublicKey], TimeProvider.System, new CredentialRevocations());
    }

    public CredentialSigningKey SigningKey { get; } = CredentialSigningKey.Generate();

    /// <summary>The tenant's quarantine key pair; a real center keeps the private half wrapped by the tenant secret.</summary>
    public QuarantinePrivateKey TenantQuarantineKey { get; } = QuarantineKeys.Generate();

    public Guid TenantId { get; } = Guid.NewGuid();

    public Guid AgentId { get; } = Guid.NewGuid();

    public Uri Address { get; private set; } = null!;

    // What the agent sent.
    public ConcurrentQueue<EnrolRequest> Enrolments { get; } = new();

    public ConcurrentQueue<SyncRequest> Syncs { get; } = new();

    public ConcurrentQueue<AgentEventMessage> Events { get; } = new();

    public ConcurrentQueue<(string Method, string Credential)> AuthenticatedCalls { get; } = new();

    public ConcurrentQueue<(string TaskId, bool Granted, string LeaseId)> LeaseRequests { get; } = new();

    public ConcurrentQueue<string> Releases { get; } = new();

    public ConcurrentBag<string> IssuedCredentials { get; } = [];

    // What the center answers.
    public volatile ScanServerAssignment[] Assignment = [];

    public volatile bool Suspended;

    public volatile int LeaseSlots = 1;

    /// <summary>Handed out in every sync answer (a center that redelivers), until the test clears it.</summary>
    public volatile AgentTask[] TasksEverySync = [];

    public ConcurrentQueue<AgentTask> TasksOnce { get; } = new();

    public ConcurrentQueue<RestoreOrder> Restores { get; } = new();

    public volatile string? RenewedCredential;

    private volatile PolicyAnswer? _policy;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.MapGrpcService<FakeCenter>();
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public void SetPolicy(long version, PolicyDocument policy) => _policy = new PolicyAnswer(version, PolicyJson.Serialize(policy));

    public string IssueCredential()
    {
        var now = DateTimeOffset.UtcNow;
        var credential = SigningKey.Issue(new AgentClaims(Guid.NewGuid(), AgentId, TenantId, "default", now.AddMinutes(-1), now.AddHours(1)));
        IssuedCredentials.Add(credential);
        return credential;
    }

    /// <summary>What the tenant's center does for a restore: unwrap the item's data key with the tenant's private key
    /// (from the <c>quarantine-item</c> event) and wrap it again to the agent's own public key.</summary>
    public void OrderRestore(string itemId)
    {
        var item = Events.Where(e => e.Type == "quarantine-item").Select(e => JsonDocument.Parse(e.PayloadJson).RootElement)
            .First(p => p.GetProperty("itemId").GetString() == itemId);
        var wrapped = new QuarantineWrappedKey(itemId, item.GetProperty("keyFingerprint").GetString()!,
            Convert.FromBase64String(item.GetProperty("wrappedDataKey").GetString()!));
        var dataKey = QuarantineKeys.UnwrapDataKey(wrapped, TenantQuarantineKey);
        var agentKey = Enrolments.Last().AgentPublicKey.ToByteArray();
        Restores.Enqueue(new RestoreOrder { ItemId = itemId, WrappedDataKey = ByteString.CopyFrom(RestoreKeyWrap.Wrap(agentKey, itemId, dataKey)) });
    }

    public override Task<EnrolResponse> Enrol(EnrolRequest request, ServerCallContext context)
    {
        Enrolments.Enqueue(request);
        if (request.EnrolmentToken != GoodToken)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the enrolment token is unknown, revoked or expired"));
        }
        var credential = IssueCredential();
        return Task.FromResult(new EnrolResponse
        {
            AgentId = AgentId.ToString(),
            TenantId = TenantId.ToString(),
            Credential = credential,
            CredentialExpiresUnixMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(),
            QuarantinePublicKey = ByteString.CopyFrom(TenantQuarantineKey.PublicKey.SubjectPublicKeyInfo),
        });
    }

    public override Task<SyncResponse> Sync(SyncRequest request, ServerCallContext context)
    {
        Authenticate(context, nameof(Sync));
        Syncs.Enqueue(request);
        var response = new SyncResponse { SyncIntervalSeconds = 1, TenantSuspended = Suspended };
        response.ScanServers.AddRange(Assignment);
        if (_policy is { } policy)
        {
            response.PolicyVersion = policy.Version;
            if (request.PolicyVersion != policy.Version)
            {
                response.PolicyJson = policy.Json;
            }
        }
        response.Tasks.AddRange(TasksEverySync);
        while (TasksOnce.TryDequeue(out var task))
        {
            response.Tasks.Add(task);
        }
        while (Restores.TryDequeue(out var order))
        {
            response.Restores.Add(order);
        }
        if (Interlocked.Exchange(ref RenewedCredential, null) is { } renewed)
        {
            response.RenewedCredential = renewed;
            response.RenewedCredentialExpiresUnixMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds();
        }
        return Task.FromResult(response);
    }

    public override Task<EventAck> ReportEvents(EventBatch request, ServerCallContext context)
    {
        Authenticate(context, nameof(ReportEvents));
        if (request.Events.Count > 1000)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "at most 1,000 events per batch"));
        }
        foreach (var item in request.Events)
        {
            Events.Enqueue(item);
        }
        return Task.FromResult(new EventAck { Accepted = request.Events.Count });
    }

    public override Task<ScanLeaseResponse> AcquireScanLease(ScanLeaseRequest request, ServerCallContext context)
    {
        Authenticate(context, nameof(AcquireScanLease));
        lock (_leaseLock)
        {
            var held = _leases.FirstOrDefault(l => l.Value == request.TaskId).Key;
            if (held is null && _leases.Count >= LeaseSlots)
            {
                LeaseRequests.Enqueue((request.TaskId, false, ""));
                return Task.FromResult(new ScanLeaseResponse { Granted = false, RetryAfterMs = 200 });
            }
            held ??= Guid.NewGuid().ToString();
            _leases[held] = request.TaskId;
            LeaseRequests.Enqueue((request.TaskId, true, held));
            return Task.FromResult(new ScanLeaseResponse
            {
                Granted = true,
                LeaseId = held,
                ExpiresUnixMs = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeMilliseconds(),
            });
        }
    }

    public override Task<ScanLeaseAck> ReleaseScanLease(ScanLeaseRelease request, ServerCallContext context)
    {
        Authenticate(context, nameof(ReleaseScanLease));
        lock (_leaseLock)
        {
            _leases.Remove(request.LeaseId);
        }
        Releases.Enqueue(request.LeaseId);
        return Task.FromResult(new ScanLeaseAck());
    }

    private void Authenticate(ServerCallContext context, string method)
    {
        var credential = CredentialVerifier.FromAuthorizationHeader(context.RequestHeaders.GetValue(AgentCredentialFormat.MetadataKey));
        var check = _verifier.Verify(credential);
        if (!check.IsValid)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, check.Failure!));
        }
        AuthenticatedCalls.Enqueue((method, credential!));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        SigningKey.Dispose();
        TenantQuarantineKey.Dispose();
    }

    private sealed record PolicyAnswer(long Version, string Json);
}

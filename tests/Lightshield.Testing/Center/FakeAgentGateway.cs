using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Policies;
using Lightshield.Quarantine;

namespace Lightshield.Testing.Center;

/// <summary>
/// The center's half of <c>AgentGateway</c>: it enrols with one enrolment token (<see cref="GoodToken"/>) and issues
/// real signed credentials, checks the credential of every other call, hands out what a test puts in its answers,
/// grants full-scan leases from a fixed number of slots, and keeps the tenant's quarantine private key so it can turn
/// a <c>quarantine-item</c> event into a restore order. It records what it receives, duplicates included, so tests see
/// exactly what the agent sent (and can await it).
/// </summary>
public sealed class FakeAgentGateway : AgentGateway.AgentGatewayBase, IDisposable
{
    public const string GoodToken = "lset_good-enrolment-token";

    private readonly TimeProvider _time;
    private readonly CredentialVerifier _verifier;
    private readonly ProofVerifier _proofs;
    private readonly Lock _leaseLock = new();
    private readonly Dictionary<string, string> _leases = []; // lease id → task id
    private volatile PolicyAnswer? _policy;
    private IssuedPair? _renewedCredentials;
    private readonly System.Threading.Channels.Channel<string> _pushes = System.Threading.Channels.Channel.CreateUnbounded<string>();
    private CancellationTokenSource _streamEnd = new();

    public FakeAgentGateway(TimeProvider time)
    {
        _time = time;
        _verifier = new CredentialVerifier([SigningKey.PublicKey], time, new CredentialRevocations(), CredentialAudience.Center);
        _proofs = new ProofVerifier(CredentialAudience.Center, time);
    }

    public CredentialSigningKey SigningKey { get; } = CredentialSigningKey.Generate();

    /// <summary>The tenant's quarantine key pair; a real center keeps the private half wrapped by the tenant secret.</summary>
    public QuarantinePrivateKey TenantQuarantineKey { get; } = QuarantineKeys.Generate();

    public Guid TenantId { get; } = Guid.NewGuid();

    public Guid AgentId { get; } = Guid.NewGuid();

    // What the agent sent.
    public Recorded<EnrolRequest> Enrolments { get; } = new();

    public Recorded<SyncRequest> Syncs { get; } = new();

    public Recorded<AgentEventMessage> Events { get; } = new();

    public Recorded<(string Method, string Credential)> AuthenticatedCalls { get; } = new();

    public Recorded<(string TaskId, bool Granted, string LeaseId)> LeaseRequests { get; } = new();

    public Recorded<string> Releases { get; } = new();

    /// <summary>The center credentials issued (each with a scan-server twin of the same id).</summary>
    public Recorded<string> IssuedCredentials { get; } = new();

    // What the center answers.
    public IReadOnlyList<ScanServerAssignment> Assignment { get; set; } = [];

    public bool Suspended { get; set; }

    /// <summary>How far the center's clock is from the test's: the agent should report the opposite as its skew.</summary>
    public TimeSpan ClockOffset { get; set; }

    public int LeaseSlots { get; set; } = 1;

    /// <summary>The interval every sync answer asks for.</summary>
    public int SyncIntervalSeconds { get; set; } = 1;

    /// <summary>Off (the default): <c>Subscribe</c> is Unimplemented, as on a center without the push channel.</summary>
    public bool PushEnabled { get; set; }

    /// <summary>Push streams the agent opened (authenticated), counting reconnections.</summary>
    public Recorded<string> Subscriptions { get; } = new();

    /// <summary>Sends a nudge on the agent's open stream (queued until one is open).</summary>
    public void Push(string reason) => _pushes.Writer.TryWrite(reason);

    /// <summary>Ends the open stream, as a center does when it restarts or the stream's lifetime is over.</summary>
    public void EndStream() => Interlocked.Exchange(ref _streamEnd, new CancellationTokenSource()).Cancel();

    /// <summary>Handed out in every sync answer (a center that redelivers), until the test clears it.</summary>
    public IReadOnlyList<AgentTask> TasksEverySync { get; set; } = [];

    /// <summary>Handed out once, in the next sync answer.</summary>
    public ConcurrentQueue<AgentTask> TasksOnce { get; } = new();

    public ConcurrentQueue<RestoreOrder> Restores { get; } = new();

    /// <summary>Hunts sent with every sync answer (a center sends them until the agent answers).</summary>
    public IReadOnlyList<HuntOrder> HuntsEverySync { get; set; } = [];

    private readonly ConcurrentDictionary<string, bool> _unknownHunts = new(StringComparer.Ordinal);

    /// <summary>The full hashes of the prefix-filter hunts in <see cref="HuntsEverySync"/>, by hunt id: an agent's candidates
    /// are confirmed from them as the center does (decision 53). Candidates of a hunt not listed here are answered as the
    /// center answers those of a hunt it never sent (another center's, decision 68): named unknown, the hunt not sent again.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<byte[]>> HuntHashes { get; set; } = new Dictionary<string, IReadOnlyList<byte[]>>();

    /// <summary>Hunt quarantine orders sent with every sync answer (a center sends them until the agent reports them done).</summary>
    public IReadOnlyList<HuntQuarantineOrder> HuntQuarantinesEverySync { get; set; } = [];

    /// <summary>Sent once, in the next sync answer, as renewed credentials.</summary>
    public IssuedPair? RenewedCredentials
    {
        get => Volatile.Read(ref _renewedCredentials);
        set => Volatile.Write(ref _renewedCredentials, value);
    }

    public void SetPolicy(long version, PolicyDocument policy) => _policy = new PolicyAnswer(version, PolicyJson.Serialize(policy));

    /// <summary>As the center does: a credential for the center and its twin for scan servers, one credential id, both bound
    /// to the proof key the agent enrolled with.</summary>
    public IssuedPair IssueCredentials()
    {
        var now = _time.GetUtcNow();
        var proofKey = Enrolments.Last().AgentProofKey;
        var claims = new AgentClaims(Guid.NewGuid(), AgentId, TenantId, "default", now.AddMinutes(-1), now.AddHours(1), CredentialAudience.Center,
            KeyThumbprint.Of(proofKey.Span));
        var pair = new IssuedPair(SigningKey.Issue(claims), SigningKey.Issue(claims with { Audience = CredentialAudience.ScanServers }));
        IssuedCredentials.Add(pair.Center);
        return pair;
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
        ArgumentNullException.ThrowIfNull(request);
        Enrolments.Add(request);
        if (request.EnrolmentToken != GoodToken)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "the enrolment token is unknown, revoked or expired"));
        }
        var credentials = IssueCredentials();
        return Task.FromResult(new EnrolResponse
        {
            AgentId = AgentId.ToString(),
            TenantId = TenantId.ToString(),
            Credential = credentials.Center,
            ScanCredential = credentials.ScanServers,
            CredentialExpiresUnixMs = _time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds(),
            QuarantinePublicKey = ByteString.CopyFrom(TenantPublicKeyDer()),
        });
    }

    public override Task<SyncResponse> Sync(SyncRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authenticate(context, nameof(Sync));
        var response = new SyncResponse
        {
            SyncIntervalSeconds = SyncIntervalSeconds,
            TenantSuspended = Suspended,
            CenterTimeUnixMs = (_time.GetUtcNow() + ClockOffset).ToUnixTimeMilliseconds(),
        };
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
        foreach (var candidates in request.HuntCandidates)
        {
            if (!HuntHashes.TryGetValue(candidates.HuntId, out var hashes))
            {
                // As the center does for a hunt it never sent (decision 68): named back as unknown, and not sent again.
                _unknownHunts[candidates.HuntId] = true;
                response.UnknownHunts.Add(candidates.HuntId);
                continue;
            }
            var prefixes = HuntPrefixes.Decode(candidates.Sha256Prefixes.Span, HuntPrefixes.MaxCandidates);
            var confirmation = new HuntOrder { HuntId = candidates.HuntId };
            confirmation.Sha256.AddRange(hashes.Where(h => prefixes.Contains(HuntPrefixes.Of(h))).Select(h => ByteString.CopyFrom(h)));
            response.HuntConfirmations.Add(confirmation);
        }
        response.Hunts.AddRange(HuntsEverySync.Where(h => !request.HuntCandidates.Any(c => c.HuntId == h.HuntId) && !_unknownHunts.ContainsKey(h.HuntId)));
        response.HuntQuarantines.AddRange(HuntQuarantinesEverySync);
        while (TasksOnce.TryDequeue(out var task))
        {
            response.Tasks.Add(task);
        }
        while (Restores.TryDequeue(out var order))
        {
            response.Restores.Add(order);
        }
        if (Interlocked.Exchange(ref _renewedCredentials, null) is { } renewed)
        {
            response.RenewedCredential = renewed.Center;
            response.RenewedScanCredential = renewed.ScanServers;
            response.RenewedCredentialExpiresUnixMs = _time.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        }
        Syncs.Add(request);
        return Task.FromResult(response);
    }

    public override async Task Subscribe(SubscribeRequest request, IServerStreamWriter<Nudge> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        Authenticate(context, nameof(Subscribe));
        if (!PushEnabled)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, "no push channel"));
        }
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, Volatile.Read(ref _streamEnd).Token);
        Subscriptions.Add(context.Peer);
        await responseStream.WriteAsync(new Nudge { Reason = "hello" });
        try
        {
            await foreach (var reason in _pushes.Reader.ReadAllAsync(stream.Token))
            {
                await responseStream.WriteAsync(new Nudge { Reason = reason });
            }
        }
        catch (OperationCanceledException) when (!context.CancellationToken.IsCancellationRequested)
        {
            // EndStream: the call ends normally.
        }
    }

    public override Task<EventAck> ReportEvents(EventBatch request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authenticate(context, nameof(ReportEvents));
        if (request.Events.Count > 1000)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "at most 1,000 events per batch"));
        }
        foreach (var item in request.Events)
        {
            Events.Add(item);
        }
        return Task.FromResult(new EventAck { Accepted = request.Events.Count });
    }

    public override Task<ScanLeaseResponse> AcquireScanLease(ScanLeaseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authenticate(context, nameof(AcquireScanLease));
        lock (_leaseLock)
        {
            var held = _leases.FirstOrDefault(l => l.Value == request.TaskId).Key;
            if (held is null && _leases.Count >= LeaseSlots)
            {
                LeaseRequests.Add((request.TaskId, false, ""));
                return Task.FromResult(new ScanLeaseResponse { Granted = false, RetryAfterMs = 200 });
            }
            held ??= Guid.NewGuid().ToString();
            _leases[held] = request.TaskId;
            LeaseRequests.Add((request.TaskId, true, held));
            return Task.FromResult(new ScanLeaseResponse
            {
                Granted = true,
                LeaseId = held,
                ExpiresUnixMs = _time.GetUtcNow().AddMinutes(10).ToUnixTimeMilliseconds(),
            });
        }
    }

    public override Task<ScanLeaseAck> ReleaseScanLease(ScanLeaseRelease request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        Authenticate(context, nameof(ReleaseScanLease));
        lock (_leaseLock)
        {
            _leases.Remove(request.LeaseId);
        }
        Releases.Add(request.LeaseId);
        return Task.FromResult(new ScanLeaseAck());
    }

    // The DER SubjectPublicKeyInfo the enrolment answer carries, from the key's public PEM form.
    private byte[] TenantPublicKeyDer()
    {
        var pem = QuarantineKeys.ExportPublicKeyPem(TenantQuarantineKey.PublicKey);
        var fields = PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }

    private void Authenticate(ServerCallContext context, string method)
    {
        ArgumentNullException.ThrowIfNull(context);
        var credential = CredentialVerifier.FromAuthorizationHeader(context.RequestHeaders.GetValue(AgentCredentialFormat.MetadataKey));
        var check = _verifier.Verify(credential);
        if (!check.IsValid)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, check.Failure!));
        }
        // As the center: the call proves possession of the key the credential names.
        if (_proofs.Check(check.Claims!, credential!, context.Method, context.RequestHeaders.GetValue(PossessionProof.MetadataKey)) is { } refused)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, refused));
        }
        AuthenticatedCalls.Add((method, credential!));
    }

    public void Dispose()
    {
        SigningKey.Dispose();
        TenantQuarantineKey.Dispose();
    }

    private sealed record PolicyAnswer(long Version, string Json);
}

/// <summary>An agent's credential pair.</summary>
public sealed record IssuedPair(string Center, string ScanServers);

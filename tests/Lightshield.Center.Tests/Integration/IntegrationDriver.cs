using System.Net;
using System.Net.Http.Json;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Lightshield.Center.Agents;
using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Tenants;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Testing.Credentials;
using EnrolRequest = Lightshield.Protocol.Center.EnrolRequest;
using EnrolResponse = Lightshield.Protocol.Center.EnrolResponse;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Drives a running center the way operators (REST) and agents or scan servers (gRPC) do.</summary>
internal sealed class IntegrationDriver(Func<string?, HttpClient> client, GrpcChannel channel, string providerToken, TimeProvider time)
{
    /// <summary>Calls that carry a credential also prove possession of the test agents' key, as an agent's channel does.</summary>
    public AgentGateway.AgentGatewayClient Agents { get; } = new(TestAgentKey.Proving(channel.CreateCallInvoker(), CredentialAudience.Center, time));

    /// <summary>The agent gateway without proofs: what someone who copied a credential, but not the key, can call.</summary>
    public AgentGateway.AgentGatewayClient BareAgents { get; } = new(channel);

    public ScanServerGateway.ScanServerGatewayClient ScanServers { get; } = new(channel);

    public UpdateGateway.UpdateGatewayClient Updates { get; } = new(channel);

    public HttpClient Client(string? token = null) => client(token);

    public HttpClient Provider => client(providerToken);

    public static Metadata Bearer(string secret) => new() { { "authorization", "Bearer " + secret } };

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return (await response.Content.ReadFromJsonAsync<T>())!;
    }

    public async Task<Guid> CreateSegmentAsync()
    {
        using var response = await Provider.PostAsJsonAsync("/api/v1/segments", new SegmentRequest(Unique("seg"), null));
        return (await ReadAsync<SegmentResponse>(response, HttpStatusCode.Created)).Id;
    }

    public async Task<string> SegmentNameAsync(Guid segmentId)
    {
        using var response = await Provider.GetAsync($"/api/v1/segments/{segmentId}");
        return (await ReadAsync<SegmentResponse>(response, HttpStatusCode.OK)).Name;
    }

    /// <summary>A tenant in <paramref name="segmentId"/> (default segment when null), with its admin signed in.</summary>
    public async Task<WorldTenant> CreateTenantAsync(Guid? segmentId = null)
    {
        var name = Unique("tenant");
        using var response = await Provider.PostAsJsonAsync("/api/v1/tenants", new TenantRequest(name, segmentId, "Europe/Berlin", "admin"));
        var created = await ReadAsync<TenantCreatedResponse>(response, HttpStatusCode.Created);
        // The provider chose the first password: the tenant's admin replaces it at first sign-in.
        var chosen = "chosen-" + created.AdminPassword;
        using var login = await Client().PostAsJsonAsync("/api/v1/auth/login",
            new LoginRequest(name, created.AdminUserName, created.AdminPassword, chosen));
        var token = (await ReadAsync<LoginResponse>(login, HttpStatusCode.OK)).Token;
        using var group = await Client(token).PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest("servers", null));
        var groupId = (await ReadAsync<AgentGroupResponse>(group, HttpStatusCode.Created)).Id;
        return new WorldTenant(created.Tenant.Id, name, token, groupId, chosen);
    }

    /// <summary>The audit log <paramref name="token"/>'s scope sees (the tenant's, or the provider's own).</summary>
    public async Task<List<AuditEntryResponse>> AuditAsync(string token)
    {
        using var response = await Client(token).GetAsync("/api/v1/audit?limit=1000");
        return await ReadAsync<List<AuditEntryResponse>>(response, HttpStatusCode.OK);
    }

    public async Task<string> EnrolmentTokenAsync(WorldTenant tenant, int? expiresInDays = null) =>
        (await CreateEnrolmentTokenAsync(tenant, expiresInDays)).Token;

    public async Task<EnrolmentTokenCreatedResponse> CreateEnrolmentTokenAsync(WorldTenant tenant, int? expiresInDays = null)
    {
        using var response = await Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/enrolment-tokens",
            new EnrolmentTokenRequest(Unique("enrol"), tenant.GroupId, expiresInDays));
        return await ReadAsync<EnrolmentTokenCreatedResponse>(response, HttpStatusCode.Created);
    }

    public static EnrolRequest EnrolRequest(string token, string hypervisorHost = "host-1", string hostName = "vm-1") => new()
    {
        EnrolmentToken = token,
        HostName = hostName,
        HypervisorHost = hypervisorHost,
        VirtualCpus = 2,
        OperatingSystem = "Debian 13",
        AgentProofKey = ByteString.CopyFrom(TestAgentKey.Shared.PublicKeyInfo),
    };

    public async Task<IReadOnlyList<CredentialKeyResponse>> CredentialKeysAsync()
    {
        using var response = await Provider.GetAsync("/api/v1/scan-servers/credential-keys");
        return await ReadAsync<List<CredentialKeyResponse>>(response, HttpStatusCode.OK);
    }

    public async Task<EnrolResponse> EnrolAsync(WorldTenant tenant, string hypervisorHost = "host-1", string hostName = "vm-1") =>
        await Agents.EnrolAsync(EnrolRequest(await EnrolmentTokenAsync(tenant), hypervisorHost, hostName));

    public async Task<SyncResponse> SyncAsync(string credential, HealthReport? health = null) =>
        await Agents.SyncAsync(new SyncRequest { Health = health ?? new HealthReport { VirtualCpus = 2 } }, Bearer(credential));

    /// <summary>A full scan the tenant's admin starts now on <paramref name="agentIds"/>: the task id their leases name.</summary>
    public async Task<string> FullScanAsync(WorldTenant tenant, params string[] agentIds)
    {
        using var response = await Client(tenant.AdminToken).PostAsJsonAsync("/api/v1/tasks",
            new Lightshield.Center.ScanTasks.TaskRequest("full-scan", [], [.. agentIds.Select(Guid.Parse)], null, Force: false));
        return (await ReadAsync<Lightshield.Center.ScanTasks.TaskResponse>(response, HttpStatusCode.Created)).Id.ToString();
    }

    public async Task<ScanLeaseResponse> AcquireLeaseAsync(EnrolResponse agent, string taskId) =>
        await Agents.AcquireScanLeaseAsync(new ScanLeaseRequest { TaskId = taskId }, Bearer(agent.Credential));

    public async Task RevokeAgentAsync(WorldTenant tenant, string agentId)
    {
        using var response = await Client(tenant.AdminToken).PostAsync($"/api/v1/agents/{agentId}/revoke", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public async Task SetTenantStateAsync(WorldTenant tenant, bool suspended)
    {
        using var response = await Provider.PostAsync($"/api/v1/tenants/{tenant.Id}/{(suspended ? "suspend" : "resume")}", null);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>A scan-server token bound to the server that sends <paramref name="heartbeat"/> (its id, host, segment and site).</summary>
    public Task<ScanServerTokenCreatedResponse> ScanServerTokenAsync(ScanServerHeartbeat heartbeat) =>
        ScanServerTokenAsync(heartbeat.ServerId, heartbeat.HypervisorHost, heartbeat.Segment, heartbeat.Site.Length > 0 ? heartbeat.Site : null);

    public async Task<ScanServerTokenCreatedResponse> ScanServerTokenAsync(string serverId, string hypervisorHost, string segment, string? site = null)
    {
        using var response = await Provider.PostAsJsonAsync("/api/v1/scan-servers/tokens",
            new ScanServerTokenRequest(Unique("svm"), serverId, hypervisorHost, segment, site));
        return await ReadAsync<ScanServerTokenCreatedResponse>(response, HttpStatusCode.Created);
    }

    /// <summary>Sends <paramref name="heartbeat"/> with a new token bound to its server.</summary>
    public async Task<HeartbeatResponse> HeartbeatAsync(ScanServerHeartbeat heartbeat) =>
        await ScanServers.HeartbeatAsync(heartbeat, Bearer((await ScanServerTokenAsync(heartbeat)).Token));

    public async Task<IReadOnlyList<ScanServerResponse>> ListScanServersAsync()
    {
        using var response = await Provider.GetAsync("/api/v1/scan-servers");
        return await ReadAsync<List<ScanServerResponse>>(response, HttpStatusCode.OK);
    }

    public static ScanServerHeartbeat Heartbeat(string segment, string host, double load = 0, int capacity = 4, string? id = null) => new()
    {
        ServerId = id ?? Guid.NewGuid().ToString(),
        Address = $"https://{host}.example:7443",
        CertificateSha256 = new string('a', 64),
        HypervisorHost = host,
        Segment = segment,
        Capacity = capacity,
        Load = load,
        EngineVersion = "1.4.3",
        DatabaseVersion = "27000-abcdef0123",
    };

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
}

/// <summary>A tenant made by <see cref="IntegrationDriver.CreateTenantAsync"/>, with one agent group.</summary>
/// <summary>A tenant made by the driver; its admin is user <c>admin</c> with <c>AdminPassword</c> (the browser tests sign in with it).</summary>
internal sealed record WorldTenant(Guid Id, string Name, string AdminToken, Guid GroupId, string AdminPassword);

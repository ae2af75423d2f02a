using System.Net.Http.Headers;
using System.Net.Http.Json;
using Lightshield.Center.Identity;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tenants;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Center.Tests.Infrastructure;

/// <summary>One center on a fresh database of <typeparamref name="TDatabase"/>'s provider, shared by the tests of
/// one class (each test makes its own tenants). The clock is a <see cref="FakeTimeProvider"/>. A derived fixture may add
/// settings (<see cref="ExtraSettings"/>).</summary>
public class CenterFixture<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    public const string AdminUserName = "root";
    public const string AdminPassword = "bootstrap-password-for-tests";
    private WebApplicationFactory<Program>? _factory;
    private string? _providerToken;

    public TDatabase Database { get; } = new();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public WebApplicationFactory<Program> Factory => _factory ?? throw new InvalidOperationException("Not started.");

    public IServiceProvider Services => Factory.Services;

    /// <summary>An API token of the bootstrap provider-admin.</summary>
    public string ProviderToken => _providerToken ?? throw new InvalidOperationException("Not started.");

    /// <summary>Settings on top of the defaults, for a fixture that needs its own (for example a longer presence gap).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>();

    /// <summary>Services on top of the center's, for a fixture that needs its own (for example a log recorder).</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Center:Database:Provider"] = Database.Provider,
            ["Center:Database:ConnectionString"] = Database.ConnectionString,
            ["Center:DataDirectory"] = Path.GetTempPath(),
            ["Center:Bootstrap:AdminUserName"] = AdminUserName,
            ["Center:Bootstrap:AdminPassword"] = AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in ExtraSettings)
        {
            settings[key] = value;
        }
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(settings));
            web.ConfigureTestServices(services =>
            {
                services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
                ConfigureTestServices(services);
            });
        });
        // A year-long API token, so that tests that advance the clock do not end the provider's session.
        using var created = await Client(await LoginAsync(null, AdminUserName, AdminPassword))
            .PostAsJsonAsync("/api/v1/tokens", new TokenRequest("tests", 366));
        _providerToken = (await created.Content.ReadFromJsonAsync<TokenCreatedResponse>())!.Token;
    }

    /// <summary>A second center instance on the same database and clock, as behind a load balancer (the caller disposes it),
    /// with <paramref name="settings"/> on top of the defaults.</summary>
    public WebApplicationFactory<Program> StartAnotherInstance(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var other = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.ConfigureAppConfiguration((_, config) => config.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Center:Database:Provider"] = Database.Provider,
                ["Center:Database:ConnectionString"] = Database.ConnectionString,
                ["Center:DataDirectory"] = Path.GetTempPath(),
                ["Logging:LogLevel:Default"] = "Warning",
            }.Concat(settings ?? new Dictionary<string, string?>())));
            web.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time)));
        });
        _ = other.Server; // started: migrations found done
        return other;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
        await Database.DisposeAsync();
    }

    public HttpClient Client(string? token = null)
    {
        var client = Factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public async Task<string> LoginAsync(string? tenant, string userName, string password, string? newPassword = null)
    {
        using var response = await Client().PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(tenant, userName, password, newPassword));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"login of {userName} failed: {(int)response.StatusCode} {body}");
        return (await response.Content.ReadFromJsonAsync<LoginResponse>())!.Token;
    }

    /// <summary>Creates a tenant through the provider API and signs its first tenant-admin in.</summary>
    public async Task<TestTenant> CreateTenantAsync(string name)
    {
        using var response = await Client(ProviderToken).PostAsJsonAsync("/api/v1/tenants", new TenantRequest(name, null, "Europe/Berlin", "admin"));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var created = (await response.Content.ReadFromJsonAsync<TenantCreatedResponse>())!;
        // The provider chose the first password: the tenant's admin replaces it at first sign-in.
        var chosen = "chosen-" + created.AdminPassword;
        var token = await LoginAsync(name, created.AdminUserName, created.AdminPassword, chosen);
        return new TestTenant(created.Tenant.Id, name, token, chosen);
    }

    /// <summary>Enrols an agent as an agent does (the service behind <c>AgentGateway.Enrol</c>; there is no REST enrolment).</summary>
    public async Task<EnrolledAgent> EnrolAsync(string enrolmentToken, string hostName, string hypervisorHost = "hv-1", int vcpus = 2)
    {
        await using var scope = Services.CreateAsyncScope();
        var enrolled = await scope.ServiceProvider.GetRequiredService<Lightshield.Center.Integration.AgentEnrolment>().EnrolAsync(new Protocol.Center.EnrolRequest
        {
            EnrolmentToken = enrolmentToken,
            HostName = hostName,
            HypervisorHost = hypervisorHost,
            VirtualCpus = vcpus,
            AgentProofKey = Google.Protobuf.ByteString.CopyFrom(Lightshield.Testing.Credentials.TestAgentKey.Shared.PublicKeyInfo),
        }, default);
        var agentId = Guid.Parse(enrolled.AgentId);
        await using var system = Scope(TenantScope.System);
        var credentialId = await system.ServiceProvider.GetRequiredService<Lightshield.Center.Persistence.CenterDbContext>().Agents
            .Where(a => a.Id == agentId).Select(a => a.CredentialId).SingleAsync();
        return new EnrolledAgent(agentId, Guid.Parse(enrolled.TenantId), credentialId, enrolled.Credential);
    }

    /// <summary>A DI scope of the running center bound to <paramref name="scope"/>.</summary>
    public AsyncServiceScope Scope(TenantScope scope) => Services.GetRequiredService<IServiceScopeFactory>().CreateScope(scope);
}

/// <summary>An agent enrolled by <see cref="CenterFixture{TDatabase}.EnrolAsync"/>: its row's ids and its signed credential.</summary>
public sealed record EnrolledAgent(Guid AgentId, Guid TenantId, string CredentialId, string Credential);

/// <summary>A tenant made by <see cref="CenterFixture{TDatabase}.CreateTenantAsync"/>.</summary>
public sealed record TestTenant(Guid Id, string Name, string AdminToken, string AdminPassword);

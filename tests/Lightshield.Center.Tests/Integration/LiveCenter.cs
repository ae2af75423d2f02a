using System.Net.Http.Headers;
using System.Net.Http.Json;
using Lightshield.Center.Hosting;
using Lightshield.Center.Identity;
using Lightshield.Center.Integration;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Protocol.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A center on real Kestrel listeners (REST on HTTP, gRPC on TLS with its self-signed certificate), so that
/// real scan servers can dial it; on a fresh database of <typeparamref name="TDatabase"/>'s provider, with a
/// <see cref="FakeTimeProvider"/> clock and 1 s heartbeat and sync intervals.</summary>
public class LiveCenter<TDatabase> : IAsyncLifetime where TDatabase : TestDatabase, new()
{
    /// <summary>The provider administrator's password (user <see cref="AdminUserName"/>).</summary>
    public const string AdminPassword = "bootstrap-password-for-tests";

    public const string AdminUserName = "root";
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("lightshield-center-live-");
    private readonly List<HttpClient> _clients = [];
    private WebApplication? _app;
    private IntegrationDriver? _driver;

    public TDatabase Database { get; } = new();

    public LiveCenter()
        : this(null)
    {
    }

    /// <summary>With <paramref name="time"/>, the center runs on that clock (several centers of one world on one clock).</summary>
    protected LiveCenter(FakeTimeProvider? time) => Time = time ?? new FakeTimeProvider(DateTimeOffset.UtcNow);

    public FakeTimeProvider Time { get; }

    public Uri RestAddress { get; private set; } = null!;

    public Uri GrpcAddress { get; private set; } = null!;

    public string CertificateFingerprint { get; private set; } = "";

    /// <summary>The center's services (for example its scheduled-scan planner).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Not started.");

    /// <summary>Settings a derived fixture changes (for example a longer sync interval).</summary>
    protected virtual void Configure(IDictionary<string, string?> settings)
    {
    }

    internal IntegrationDriver Driver => _driver ?? throw new InvalidOperationException("Not started.");

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    // While a test waits for the system, the shared fake clock moves one second per look, so the agent's syncs, task
    // ticks and event deliveries (timers on that clock) keep happening, at most a few times faster than real time:
    // the scan server's real heartbeats (1 s) stay well inside the center's 30 s down-after.
    private static readonly TimeSpan ClockStep = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LookInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Looks until <paramref name="probe"/> finds something, moving the fake clock between looks: bounded
    /// polling of what a real scan server, center and agent do over gRPC and their databases.</summary>
    internal Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, LiveAgent? agent = null)
        where T : class =>
        Eventually.FindAsync(probe, what, Patience, () => Time.Advance(ClockStep), agent, LookInterval);

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        var settings = new Dictionary<string, string?>
        {
            ["Center:Listen"] = "127.0.0.1:0",
            ["Center:Plaintext"] = "true",
            ["Center:Integration:GrpcListen"] = "127.0.0.1:0",
            ["Center:Integration:HeartbeatInterval"] = "00:00:01",
            // Real agents (end-to-end tests) sync every second; the other tests call Sync themselves.
            ["Center:Integration:SyncInterval"] = "00:00:01",
            ["Center:DataDirectory"] = _data.FullName,
            ["Center:Database:Provider"] = Database.Provider,
            ["Center:Database:ConnectionString"] = Database.ConnectionString,
            ["Center:Bootstrap:AdminUserName"] = AdminUserName,
            ["Center:Bootstrap:AdminPassword"] = AdminPassword,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        Configure(settings);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton<TimeProvider>(Time);
        builder.AddCenter();
        _app = builder.Build();
        _app.MapCenter();
        await _app.StartAsync();

        var endpoints = _app.Services.GetRequiredService<IntegrationEndpoints>();
        GrpcAddress = endpoints.GrpcAddress;
        CertificateFingerprint = endpoints.CertificateFingerprint ?? throw new InvalidOperationException("The gRPC endpoint has no TLS.");
        RestAddress = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .Single(a => new Uri(a).Port != GrpcAddress.Port));
        using var login = await Client(null).PostAsJsonAsync("/api/v1/auth/login", new LoginRequest(null, AdminUserName, AdminPassword));
        var providerToken = (await IntegrationDriver.ReadAsync<LoginResponse>(login, System.Net.HttpStatusCode.OK)).Token;
        _driver = new IntegrationDriver(Client, GrpcChannels.Open(GrpcAddress, CertificateFingerprint), providerToken, Time);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await Database.DisposeAsync();
        _data.Delete(recursive: true);
    }

    private HttpClient Client(string? token)
    {
        // Over TLS (Center:Plaintext false) the REST API has the gRPC endpoint's certificate: pinned like it.
        var handler = new SocketsHttpHandler();
        if (RestAddress.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = CertificatePin.Options(CertificatePin.TryParse(CertificateFingerprint)!);
        }
        var client = new HttpClient(handler) { BaseAddress = RestAddress };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        _clients.Add(client);
        return client;
    }
}

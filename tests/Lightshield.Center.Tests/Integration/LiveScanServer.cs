extern alias svm;
using Grpc.Net.Client;
using Lightshield.Client;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Lightshield.Testing.Credentials;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using svm::Lightshield.Svm.Hosting;
using ScanServerApp = svm::Lightshield.Svm.Hosting.ScanServerApp;
using ScanServerEndpoints = svm::Lightshield.Svm.Hosting.ScanServerEndpoints;
using ScanServerIdentity = svm::Lightshield.Svm.Center.ScanServerIdentity;

namespace Lightshield.Center.Tests.Integration;

/// <summary>A real <c>lightshield-svm</c> (real libclamav, starter signatures) in the test process, linked to a center:
/// it registers and heartbeats every second with a scan-server token and pins the center's certificate.</summary>
internal sealed class LiveScanServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _data;
    private readonly GrpcChannel _channel;
    private bool _stopped;

    private LiveScanServer(WebApplication app, DirectoryInfo data)
    {
        _app = app;
        _data = data;
        Address = app.Services.GetRequiredService<ScanServerEndpoints>().GrpcAddress;
        _channel = GrpcChannels.Open(Address);
    }

    public Uri Address { get; }

    /// <summary>Starts a scan server with a token <paramref name="driver"/> creates for it (bound to its id, host and segment).
    /// With <paramref name="time"/> it runs on that clock: an agent on a fake clock that moves minutes ahead dates its proofs
    /// of possession by it, and a scan server on the real clock would rightly refuse them.
    /// <paramref name="configure"/> changes its settings (for example to take updates from the center); <paramref name="site"/>
    /// is its site (default: the default site).</summary>
    public static async Task<LiveScanServer> StartAsync(Uri center, string centerFingerprint, IntegrationDriver driver, string hypervisorHost,
        string segment, TimeProvider? time = null, Action<IDictionary<string, string?>, DirectoryInfo>? configure = null, string? site = null)
    {
        var data = Directory.CreateTempSubdirectory("lightshield-svm-live-");
        var serverId = ScanServerIdentity.LoadOrCreate(data.FullName);
        var token = (await driver.ScanServerTokenAsync(serverId, hypervisorHost, segment, site)).Token;
        var settings = new Dictionary<string, string?>
        {
            ["Svm:Listen"] = "127.0.0.1:0",
            ["Svm:Plaintext"] = "true",
            ["Svm:OpsListen"] = "",
            ["Svm:WatchDatabase"] = "false",
            ["Svm:DataDirectory"] = data.FullName,
            ["Svm:DatabaseDirectory"] = Path.Combine(AppContext.BaseDirectory, "signatures"),
            ["Svm:Center"] = center.ToString(),
            ["Svm:CenterToken"] = token,
            ["Svm:CenterCertificateSha256"] = centerFingerprint,
            ["Svm:HypervisorHost"] = hypervisorHost,
            ["Svm:Segment"] = segment,
            ["Svm:Site"] = site ?? "default",
            ["Svm:CenterUpdates"] = "false", // these tests are about scans and heartbeats; updates: Svm.Tests/Updates
            ["Svm:HeartbeatInterval"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        configure?.Invoke(settings, data);
        var app = time is null ? ScanServerApp.Build([], settings) : BuildOnClock(settings, time);
        await app.StartAsync();
        return new LiveScanServer(app, data);
    }

    private static WebApplication BuildOnClock(Dictionary<string, string?> settings, TimeProvider time)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(time);
        builder.AddScanServer();
        var app = builder.Build();
        app.MapScanServer();
        return app;
    }

    /// <summary>A client of this scan server that presents <paramref name="credential"/>.</summary>
    public ScanServerClient ClientWith(string credential) =>
        new(new ScanService.ScanServiceClient(TestAgentKey.Proving(_channel.CreateCallInvoker(), CredentialAudience.ScanServers)), () => credential);

    /// <summary>Stops the server: it no longer answers or heartbeats.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await StopAsync();
        await _app.DisposeAsync();
        _data.Delete(recursive: true);
    }
}

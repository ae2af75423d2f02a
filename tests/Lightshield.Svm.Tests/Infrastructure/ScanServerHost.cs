using Grpc.Net.Client;
using Lightshield.Client;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Lightshield.Svm.Hosting;
using Lightshield.Testing;
using Lightshield.Testing.Credentials;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Svm.Tests.Infrastructure;

/// <summary>A real scan server (Kestrel on a free loopback port, real libclamav) inside the test process.</summary>
internal sealed class ScanServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDirectory _data;
    private readonly GrpcChannel _channel;

    private ScanServerHost(WebApplication app, TempDirectory data)
    {
        _app = app;
        _data = data;
        Endpoints = app.Services.GetRequiredService<ScanServerEndpoints>();
        _channel = GrpcChannels.Open(Endpoints.GrpcAddress);
        // Calls that carry a credential prove possession of the test agents' key, as an agent's channel does.
        Raw = new ScanService.ScanServiceClient(TestAgentKey.Proving(_channel.CreateCallInvoker(), CredentialAudience.ScanServers));
        Client = new ScanServerClient(Raw);
    }

    public ScanServerEndpoints Endpoints { get; }

    public ScanService.ScanServiceClient Raw { get; }

    public ScanServerClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a scan server on <paramref name="databaseDirectory"/>; <paramref name="time"/> replaces the
    /// system clock for everything in it that waits or reads the time.</summary>
    public static async Task<ScanServerHost> StartAsync(string databaseDirectory, IReadOnlyDictionary<string, string?>? settings = null,
        TimeProvider? time = null)
    {
        var data = new TempDirectory();
        var configuration = new Dictionary<string, string?>
        {
            ["Svm:Listen"] = "127.0.0.1:0",
            ["Svm:Plaintext"] = "true",
            ["Svm:OpsListen"] = "127.0.0.1:0",
            ["Svm:WatchDatabase"] = "false",
            ["Svm:DataDirectory"] = data.Path,
            ["Svm:DatabaseDirectory"] = databaseDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        // As ScanServerApp.Build does, with the test's clock registered first (the scan server only TryAdds its own).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(configuration);
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }
        builder.AddScanServer();
        var app = builder.Build();
        app.MapScanServer();
        await app.StartAsync();
        return new ScanServerHost(app, data);
    }

    /// <summary>Scans <paramref name="content"/> through the client library and expects a verdict.</summary>
    public async Task<(Lightshield.Verdicts.Verdict Verdict, bool Cached)> ScanAsync(byte[] content, string tenant = "t1", Priority priority = Priority.OnDemand)
    {
        var outcome = await ScanOutcomeAsync(content, tenant, priority);
        Assert.True(outcome.Kind == ScanOutcomeKind.Answered, $"expected a verdict, got {outcome.Kind}: {outcome.Reason}");
        return (outcome.Verdict!, outcome.Cached);
    }

    /// <summary>Scans <paramref name="content"/> through the client library: whatever the server answered.</summary>
    public Task<ScanOutcome> ScanOutcomeAsync(byte[] content, string tenant = "t1", Priority priority = Priority.OnDemand) =>
        Client.ScanAsync(Lightshield.Verdicts.FileKey.Compute(content), () => new MemoryStream(content), priority, tenant);

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Dispose();
    }
}

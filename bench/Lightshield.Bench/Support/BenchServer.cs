using Grpc.Net.Client;
using Lightshield.Client;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Lightshield.Svm.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Bench.Support;

/// <summary>A real scan server (Kestrel on a free loopback port, real libclamav) inside the benchmark process,
/// plaintext (h2c) or TLS with a freshly generated self-signed certificate that clients pin.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DirectoryInfo _data;

    private BenchServer(WebApplication app, DirectoryInfo data, TimeSpan startTime)
    {
        _app = app;
        _data = data;
        StartTime = startTime;
        var endpoints = app.Services.GetRequiredService<ScanServerEndpoints>();
        Address = endpoints.GrpcAddress;
        Fingerprint = endpoints.CertificateFingerprint;
    }

    public Uri Address { get; }

    public string? Fingerprint { get; }

    public bool Tls => Fingerprint is not null;

    /// <summary>From <c>Build</c> to listening: engine load, cache, Kestrel (and the certificate with TLS).</summary>
    public TimeSpan StartTime { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<BenchServer> StartAsync(string databaseDirectory, bool tls, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var started = TimeProvider.System.GetTimestamp();
        var data = Directory.CreateTempSubdirectory("lightshield-bench-svm-");
        var settings = new Dictionary<string, string?>
        {
            ["Svm:Listen"] = "127.0.0.1:0",
            ["Svm:Plaintext"] = tls ? "false" : "true",
            ["Svm:OpsListen"] = "",
            ["Svm:WatchDatabase"] = "false",
            ["Svm:DataDirectory"] = data.FullName,
            ["Svm:DatabaseDirectory"] = databaseDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:Lightshield"] = "Warning",
            // The one warning a fresh server always logs: it generated a self-signed certificate.
            ["Logging:LogLevel:Lightshield.Svm"] = tls ? "Error" : "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }
        var app = ScanServerApp.Build([], settings);
        await app.StartAsync();
        return new BenchServer(app, data, TimeProvider.System.GetElapsedTime(started));
    }

    /// <summary>A new channel (its own HTTP/2 connection), as a separate agent would have.</summary>
    public GrpcChannel OpenChannel() => GrpcChannels.Open(Address, Fingerprint);

    public static ScanServerClient Client(GrpcChannel channel) => new(new ScanService.ScanServiceClient(channel));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _data.Delete(recursive: true);
    }
}

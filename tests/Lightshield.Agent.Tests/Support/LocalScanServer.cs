using Lightshield.Agent.Configuration;
using Lightshield.Svm.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Agent.Tests.Support;

/// <summary>A real scan server on a free loopback port (plaintext, starter database) for agent tests.</summary>
internal sealed class LocalScanServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _data;
    private bool _stopped;

    private LocalScanServer(WebApplication app, string data)
    {
        _app = app;
        _data = data;
        var endpoints = app.Services.GetRequiredService<ScanServerEndpoints>();
        Endpoint = new ScanServerEndpoint { Address = endpoints.GrpcAddress, CertificateSha256 = endpoints.CertificateFingerprint };
    }

    public ScanServerEndpoint Endpoint { get; }

    /// <summary>The server's services (its database reloader, its meter factory).</summary>
    public IServiceProvider Services => _app.Services;

    public static Task<LocalScanServer> StartAsync() => StartAsync(trustedCredentialKey: null);

    /// <summary>With <paramref name="trustedCredentialKey"/> (a center's credential public key, base64), the server
    /// refuses every call without a credential signed by that key.</summary>
    /// <param name="trustedCredentialKey">See above.</param>
    /// <param name="tls">Serve TLS with the server's self-signed certificate (<see cref="Endpoint"/> carries its fingerprint).</param>
    /// <param name="databaseDirectory">Signature database the test may change (then reloads it); default the starter database.</param>
    public static async Task<LocalScanServer> StartAsync(string? trustedCredentialKey, bool tls = false, string? databaseDirectory = null)
    {
        var data = Directory.CreateTempSubdirectory("lightshield-agent-svm-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Svm:Listen"] = "127.0.0.1:0",
            ["Svm:Plaintext"] = tls ? "false" : "true",
            ["Svm:OpsListen"] = "",
            ["Svm:WatchDatabase"] = "false",
            ["Svm:DataDirectory"] = data,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (databaseDirectory is not null)
        {
            settings["Svm:DatabaseDirectory"] = databaseDirectory;
        }
        if (trustedCredentialKey is not null)
        {
            settings["Svm:TrustedCredentialKeys:0"] = trustedCredentialKey;
        }
        var app = ScanServerApp.Build([], settings);
        await app.StartAsync();
        return new LocalScanServer(app, data);
    }

    /// <summary>Stops answering, as a crashed scan server does.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync(new CancellationToken(canceled: true)); // no graceful drain, as in a crash
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }
}

using Lightshield.Svm.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Cli.Scanning;

/// <summary>A scan server inside the CLI process, on a free loopback port without TLS: what
/// <c>lightshield scan</c> uses when no <c>--server</c> is given. Same code path as a remote server.</summary>
public sealed class InProcessScanServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private InProcessScanServer(WebApplication app, string dataDirectory)
    {
        _app = app;
        _dataDirectory = dataDirectory;
    }

    public Uri Address => _app.Services.GetRequiredService<ScanServerEndpoints>().GrpcAddress;

    public static async Task<InProcessScanServer> StartAsync(string? databaseDirectory, CancellationToken cancellationToken)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("lightshield-scan-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["Svm:Listen"] = "127.0.0.1:0",
            ["Svm:Plaintext"] = "true",
            ["Svm:OpsListen"] = "",
            ["Svm:WatchDatabase"] = "false",
            ["Svm:DataDirectory"] = dataDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft"] = "Warning",
            ["Logging:LogLevel:Lightshield"] = "Warning",
            // stdout carries the scan report; the server's own log lines go to stderr.
            ["Logging:Console:LogToStandardErrorThreshold"] = "Trace",
        };
        if (databaseDirectory is not null)
        {
            settings["Svm:DatabaseDirectory"] = Path.GetFullPath(databaseDirectory);
        }
        var app = ScanServerApp.Build([], settings);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            Directory.Delete(dataDirectory, recursive: true);
            throw;
        }
        return new InProcessScanServer(app, dataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lightshield.Cli.Tests.Admin;

/// <summary>Failures before the center can answer: nobody listening, a TLS certificate that is not the pinned one.</summary>
public sealed class CenterConnectionErrorTests : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("lightshield-cli-connection-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task NothingListening_SaysConnectionRefusedAndExitsTwo()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var result = await Shell().RunAsync("tenants", "list", "--center", $"http://127.0.0.1:{port}", "--token", "lsa_x");

        Assert.Equal(ExitCodes.Error, result.ExitCode);
        Assert.StartsWith($"error: cannot reach the center at http://127.0.0.1:{port}/: connection refused", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SelfSignedCenter_OnlyTheMatchingCenterCertSha256IsTrusted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        await using var app = builder.Build();
        app.MapGet("/api/v1/tenants", () => Results.Json(Array.Empty<object>()));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var shell = Shell();

        var unpinned = await shell.RunAsync("tenants", "list", "--center", url, "--token", "lsa_x");
        var wrongPin = await shell.RunAsync("tenants", "list", "--center", url, "--token", "lsa_x", "--center-cert-sha256", new string('a', 64));
        var pinned = await shell.RunAsync("tenants", "list", "--center", url, "--token", "lsa_x",
            "--center-cert-sha256", certificate.GetCertHashString(HashAlgorithmName.SHA256));

        Assert.Equal(ExitCodes.Error, unpinned.ExitCode);
        Assert.Contains("is not trusted; for a self-signed center pass --center-cert-sha256", unpinned.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Error, wrongPin.ExitCode);
        Assert.Contains($"does not match --center-cert-sha256 {new string('a', 64)}", wrongPin.Error, StringComparison.Ordinal);
        Assert.Equal((ExitCodes.Clean, "(none)\n", ""), (pinned.ExitCode, pinned.Output, pinned.Error));
    }

    private CliShell Shell() => new(Path.Combine(_work, "cli.json"));
}

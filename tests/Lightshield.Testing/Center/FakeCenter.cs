using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lightshield.Testing.Center;

/// <summary>
/// The one fake center of the agent's and the scan server's tests: a gRPC server (HTTP/2, plaintext) on a free loopback
/// port that serves the center's gateways as the protocol defines them, <see cref="Agents"/> (<c>AgentGateway</c>),
/// <see cref="ScanServers"/> (<c>ScanServerGateway</c>) and <see cref="Updates"/> (<c>UpdateGateway</c>). Each
/// records what it receives and answers what the test sets. These tests are about the client's half of the contract;
/// the real center's half has its own tests.
/// </summary>
public sealed class FakeCenter : IAsyncDisposable
{
    private WebApplication? _app;

    /// <param name="time">The clock of the credentials and leases the fake issues (default the system's).</param>
    public FakeCenter(TimeProvider? time = null) => Agents = new FakeAgentGateway(time ?? TimeProvider.System);

    public FakeAgentGateway Agents { get; }

    public FakeScanServerGateway ScanServers { get; } = new();

    public FakeUpdateGateway Updates { get; } = new();

    /// <summary>Where the gateways answer, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>A fake center already answering.</summary>
    public static async Task<FakeCenter> StartAsync(TimeProvider? time = null)
    {
        var center = new FakeCenter(time);
        await center.StartAsync();
        return center;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(Agents);
        builder.Services.AddSingleton(ScanServers);
        builder.Services.AddSingleton(Updates);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // A TLS-terminating relay (the firewall tests reach the center from a network namespace) forwards https calls.
            k.AllowAlternateSchemes = true;
            k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapGrpcService<FakeAgentGateway>();
        app.MapGrpcService<FakeScanServerGateway>();
        app.MapGrpcService<FakeUpdateGateway>();
        await app.StartAsync();
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _app = app;
    }

    /// <summary>Stops answering, as a center that went down.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Agents.Dispose();
    }
}

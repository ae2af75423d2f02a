using System.Collections.Concurrent;
using System.Net;
using Grpc.Core;
using Lightshield.Protocol.Center;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lightshield.Svm.Tests.Center;

/// <summary>The center's side of the scan-server heartbeat, as the protocol defines it, recording what it receives:
/// these tests are about the scan server's half of the contract.</summary>
internal sealed class RecordingCenterGateway : ScanServerGateway.ScanServerGatewayBase, IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<(ScanServerHeartbeat Heartbeat, string? Authorization)> Received { get; } = new();

    public volatile string[] Keys = [];

    public volatile string[] Revoked = [];

    public Uri Address { get; private set; } = null!;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.MapGrpcService<RecordingCenterGateway>();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Address = new Uri(address);
    }

    public override Task<HeartbeatResponse> Heartbeat(ScanServerHeartbeat request, ServerCallContext context)
    {
        Received.Enqueue((request, context.RequestHeaders.GetValue("authorization")));
        var response = new HeartbeatResponse { HeartbeatIntervalSeconds = 1 };
        response.TrustedCredentialKeys.AddRange(Keys);
        response.RevokedCredentials.AddRange(Revoked);
        return Task.FromResult(response);
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}

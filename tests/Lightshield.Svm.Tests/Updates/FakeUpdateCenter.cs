using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Engine;
using Lightshield.Protocol.Center;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lightshield.Svm.Tests.Updates;

/// <summary>The center's side of <c>UpdateGateway</c> as the protocol defines it, serving one target version from memory,
/// able to damage what it sends: these tests are about the scan server's half of the contract.</summary>
internal sealed class FakeUpdateCenter : UpdateGateway.UpdateGatewayBase, IAsyncDisposable
{
    private WebApplication? _app;
    private readonly ConcurrentDictionary<string, byte[]> _content = new();
    private UpdateCheckResponse _target = new();

    public ConcurrentQueue<UpdateCheckRequest> Reports { get; } = new();

    public ConcurrentQueue<string> Downloads { get; } = new();

    /// <summary>Damage to what Download sends: none, tamper (one byte flipped) or truncate (last bytes missing).</summary>
    public volatile string Damage = "none";

    public Uri Address { get; private set; } = null!;

    /// <summary>Makes <paramref name="files"/> version <paramref name="version"/>, the target of every check.</summary>
    public void Publish(long version, IReadOnlyDictionary<string, byte[]> files)
    {
        var response = new UpdateCheckResponse { TargetVersion = version, PollIntervalSeconds = 60, DatabaseVersion = DatabaseVersionOf(files) };
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
            _content[sha256] = content;
            response.Files.Add(new UpdateManifestEntry { Name = name, Sha256 = sha256, Length = content.Length });
        }
        _target = response;
    }

    // What the engine will report for these files: inspect a copy (no engine needed).
    private static string DatabaseVersionOf(IReadOnlyDictionary<string, byte[]> files)
    {
        var directory = Directory.CreateTempSubdirectory("fake-center-");
        try
        {
            foreach (var (name, content) in files)
            {
                File.WriteAllBytes(Path.Combine(directory.FullName, name), content);
            }
            return DatabaseInspector.Inspect(directory.FullName).Version;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(this);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        _app = builder.Build();
        _app.MapGrpcService<FakeUpdateCenter>();
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public override Task<UpdateCheckResponse> Check(UpdateCheckRequest request, ServerCallContext context)
    {
        Reports.Enqueue(request);
        return Task.FromResult(_target);
    }

    public override Task<DownloadLeaseResponse> AcquireDownloadLease(DownloadLeaseRequest request, ServerCallContext context) =>
        Task.FromResult(new DownloadLeaseResponse { Granted = true, LeaseId = Guid.NewGuid().ToString() });

    public override Task<DownloadLeaseAck> ReleaseDownloadLease(DownloadLeaseRelease request, ServerCallContext context) =>
        Task.FromResult(new DownloadLeaseAck());

    public override async Task Download(DownloadRequest request, IServerStreamWriter<FileChunk> responseStream, ServerCallContext context)
    {
        Downloads.Enqueue(request.Sha256);
        var content = _content[request.Sha256].ToArray();
        if (Damage == "tamper")
        {
            content[content.Length / 2] ^= 0x20;
        }
        else if (Damage == "truncate")
        {
            content = content[..^5];
        }
        for (var offset = 0; offset < content.Length; offset += 1000)
        {
            await responseStream.WriteAsync(new FileChunk { Data = ByteString.CopyFrom(content, offset, Math.Min(1000, content.Length - offset)) });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Protocol.Center;

namespace Lightshield.Testing.Center;

/// <summary>The center's side of the signature updates: serves one published version from memory, always grants the
/// download lease, records checks and downloads, and can damage what it sends.</summary>
public sealed class FakeUpdateGateway : UpdateGateway.UpdateGatewayBase
{
    private readonly ConcurrentDictionary<string, byte[]> _content = new();
    private volatile UpdateCheckResponse _target = new();

    /// <summary>Every check, with the version it reported.</summary>
    public Recorded<UpdateCheckRequest> Reports { get; } = new();

    /// <summary>The SHA-256 of every file downloaded.</summary>
    public Recorded<string> Downloads { get; } = new();

    public UpdateDamage Damage { get; set; }

    /// <summary>Makes <paramref name="files"/> version <paramref name="version"/>, the target of every check;
    /// <paramref name="databaseVersion"/> is what the engine reports once it loaded them.</summary>
    public void Publish(long version, IReadOnlyDictionary<string, byte[]> files, string databaseVersion)
    {
        ArgumentNullException.ThrowIfNull(files);
        var response = new UpdateCheckResponse { TargetVersion = version, PollIntervalSeconds = 60, DatabaseVersion = databaseVersion };
        foreach (var (name, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
            _content[sha256] = content;
            response.Files.Add(new UpdateManifestEntry { Name = name, Sha256 = sha256, Length = content.Length });
        }
        _target = response;
    }

    public override Task<UpdateCheckResponse> Check(UpdateCheckRequest request, ServerCallContext context)
    {
        Reports.Add(request);
        return Task.FromResult(_target);
    }

    public override Task<DownloadLeaseResponse> AcquireDownloadLease(DownloadLeaseRequest request, ServerCallContext context) =>
        Task.FromResult(new DownloadLeaseResponse { Granted = true, LeaseId = Guid.NewGuid().ToString() });

    public override Task<DownloadLeaseAck> ReleaseDownloadLease(DownloadLeaseRelease request, ServerCallContext context) =>
        Task.FromResult(new DownloadLeaseAck());

    public override async Task Download(DownloadRequest request, IServerStreamWriter<FileChunk> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        Downloads.Add(request.Sha256);
        var content = _content[request.Sha256].ToArray();
        if (Damage == UpdateDamage.Tamper)
        {
            content[content.Length / 2] ^= 0x20;
        }
        else if (Damage == UpdateDamage.Truncate)
        {
            content = content[..^5];
        }
        for (var offset = 0; offset < content.Length; offset += 1000)
        {
            await responseStream.WriteAsync(new FileChunk { Data = ByteString.CopyFrom(content, offset, Math.Min(1000, content.Length - offset)) });
        }
    }
}

using Google.Protobuf;
using Grpc.Core;
using Lightshield.Center.Integration;
using Lightshield.Protocol.Center;

namespace Lightshield.Center.Updates;

/// <summary><c>UpdateGateway</c>: the wire face of <see cref="UpdateDistribution"/> for scan servers, authenticated by
/// <see cref="ScanServerAuthenticationInterceptor"/> (provider scan-server token, provider scope).</summary>
public sealed class UpdateGatewayService(UpdateDistribution distribution, CurrentScanServerToken token) : UpdateGateway.UpdateGatewayBase
{
    public const int ChunkSize = 64 * 1024;

    public override async Task<UpdateCheckResponse> Check(UpdateCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        CheckServerId(request.ServerId);
        if (request.RunningVersion < 0 || request.FailedVersion < 0 || request.Error.Length > 4000)
        {
            throw Invalid("'running_version' and 'failed_version' are 0 or a version number; 'error' at most 4,000 characters");
        }
        var answer = await distribution.CheckAsync(new UpdateCheckReport(request.ServerId, NullIfZero(request.RunningVersion), request.Downloading,
            NullIfZero(request.FailedVersion), request.Error.Length == 0 ? null : request.Error), context.CancellationToken);
        var response = new UpdateCheckResponse
        {
            TargetVersion = answer.TargetVersionId ?? 0,
            DatabaseVersion = answer.DatabaseVersion ?? "",
            PollIntervalSeconds = (int)Math.Clamp(answer.PollInterval.TotalSeconds, 1, int.MaxValue),
        };
        response.Files.AddRange(answer.Files.Select(f => new UpdateManifestEntry { Name = f.Name, Sha256 = f.Sha256, Length = f.Length }));
        return response;
    }

    public override async Task<DownloadLeaseResponse> AcquireDownloadLease(DownloadLeaseRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        CheckServerId(request.ServerId);
        var lease = await distribution.AcquireLeaseAsync(request.ServerId, context.CancellationToken);
        return new DownloadLeaseResponse
        {
            Granted = lease.Granted,
            LeaseId = lease.Granted ? lease.LeaseId.ToString() : "",
            ExpiresUnixMs = lease.Granted ? lease.ExpiresAt.ToUnixTimeMilliseconds() : 0,
            RetryAfterMs = (long)lease.RetryAfter.TotalMilliseconds,
        };
    }

    public override async Task<DownloadLeaseAck> ReleaseDownloadLease(DownloadLeaseRelease request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        CheckServerId(request.ServerId);
        if (Guid.TryParse(request.LeaseId, out var leaseId))
        {
            await distribution.ReleaseLeaseAsync(leaseId, request.ServerId, context.CancellationToken);
        }
        return new DownloadLeaseAck();
    }

    public override async Task Download(DownloadRequest request, IServerStreamWriter<FileChunk> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        CheckServerId(request.ServerId);
        if (!Guid.TryParse(request.LeaseId, out var leaseId))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "no download lease: 'lease_id' is not a lease id"));
        }
        Stream content;
        long length;
        try
        {
            (content, length) = await distribution.OpenFileAsync(leaseId, request.ServerId, request.Sha256, context.CancellationToken);
        }
        catch (UpdateDownloadException e)
        {
            throw new RpcException(new Status(e.LeaseMissing ? StatusCode.FailedPrecondition : StatusCode.NotFound, e.Message));
        }
        await using (content)
        {
            var buffer = new byte[ChunkSize];
            var first = true;
            int read;
            while ((read = await content.ReadAsync(buffer, context.CancellationToken)) > 0)
            {
                await responseStream.WriteAsync(new FileChunk { Data = ByteString.CopyFrom(buffer, 0, read), TotalLength = first ? length : 0 },
                    context.CancellationToken);
                first = false;
            }
        }
    }

    private static long? NullIfZero(long value) => value == 0 ? null : value;

    /// <summary>A well-formed id, and the one the call's token was created for: a token speaks for its own server's
    /// update state and leases only.</summary>
    private void CheckServerId(string serverId)
    {
        if (string.IsNullOrWhiteSpace(serverId) || serverId.Length > 100)
        {
            throw Invalid("'server_id' is required (at most 100 characters)");
        }
        token.RequireServer(serverId);
    }

    private static RpcException Invalid(string detail) => new(new Status(StatusCode.InvalidArgument, detail));
}

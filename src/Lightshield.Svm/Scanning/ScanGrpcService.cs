using System.Globalization;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Lightshield.Protocol;
using Lightshield.Svm.Admission;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Security;
using Lightshield.Verdicts;
using Wire = Lightshield.Protocol.Scan;

namespace Lightshield.Svm.Scanning;

/// <summary>gRPC face of <see cref="ScanCoordinator"/>: parses and validates messages, maps refusals to statuses.</summary>
public sealed class ScanGrpcService(ScanCoordinator coordinator, SvmMetrics metrics, ILogger<ScanGrpcService> logger)
    : Wire.ScanService.ScanServiceBase
{
    private static readonly Wire.ScanReply Ready = new() { Ready = new Wire.ReadyToReceive() };

    public override async Task<Wire.LookupResponse> Lookup(Wire.LookupRequest request, ServerCallContext context)
    {
        return await Guard(async () =>
        {
            var keys = new FileKey[request.Keys.Count];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = WireMapping.ToModel(request.Keys[i]);
            }
            var verdicts = await coordinator.LookupAsync(AgentAuthenticator.TenantOf(context, request.Tenant), keys, context.CancellationToken)
                .ConfigureAwait(false);
            var response = new Wire.LookupResponse { DatabaseVersion = coordinator.Workers.Database.Version };
            foreach (var verdict in verdicts)
            {
                response.Verdicts.Add(Answer(verdict));
            }
            return response;
        }, context).ConfigureAwait(false);
    }

    public override async Task Scan(IAsyncStreamReader<Wire.ScanChunk> requestStream, IServerStreamWriter<Wire.ScanReply> responseStream,
        ServerCallContext context)
    {
        var result = await Guard(async () =>
        {
            if (!await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false)
                || requestStream.Current.PartCase != Wire.ScanChunk.PartOneofCase.Header)
            {
                throw new ScanRefusedException(ScanRefusal.InvalidRequest, "the first message of a scan must be its header");
            }
            var header = requestStream.Current.Header;
            var request = new ScanRequest(
                WireMapping.ToModel(header.Key),
                WireMapping.ToModel(header.Priority),
                AgentAuthenticator.TenantOf(context, header.Tenant),
                string.IsNullOrEmpty(header.FileName) ? null : Path.GetFileName(header.FileName),
                header.Force,
                header.FreshOnly);
            try
            {
                var outcome = await coordinator.ScanAsync(
                    request,
                    token => responseStream.WriteAsync(Ready, token),
                    DataChunks(requestStream, context.CancellationToken),
                    context.CancellationToken).ConfigureAwait(false);
                return new Wire.ScanResponse { Verdict = Answer(outcome.Verdict), Cached = outcome.Cached };
            }
            catch (AdmissionRejectedException rejected)
            {
                metrics.Rejected(rejected.Priority);
                SvmLog.Rejected(logger, rejected.Priority.ToString(), request.Tenant, rejected.Message);
                context.ResponseTrailers.Add(ScanTrailers.RetryAfterMs,
                    ((long)rejected.RetryAfter.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
                throw new RpcException(new Status(StatusCode.ResourceExhausted, rejected.Message));
            }
        }, context).ConfigureAwait(false);
        await responseStream.WriteAsync(new Wire.ScanReply { Result = result }, context.CancellationToken).ConfigureAwait(false);
    }

    public override Task<Wire.ServerInfo> GetInfo(Wire.GetInfoRequest request, ServerCallContext context)
    {
        var engine = coordinator.Workers;
        var database = engine.Database;
        return Task.FromResult(new Wire.ServerInfo
        {
            EngineVersion = engine.EngineVersion,
            DatabaseVersion = database.Version,
            SignatureCount = database.SignatureCount,
            MaxFileSize = engine.Options.MaxFileSize,
            MaxLookupBatch = ScanCoordinator.MaxLookupBatch,
            ScanProfile = engine.Profile.ToString(),
            // Plain signature files carry no build time: the load is the best the server knows of their age.
            DatabaseTimeUnixMs = (database.Files.Max(f => f.BuildTime) ?? database.LoadedAt).ToUnixTimeMilliseconds(),
        });
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> DataChunks(
        IAsyncStreamReader<Wire.ScanChunk> stream, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await stream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            if (stream.Current.PartCase != Wire.ScanChunk.PartOneofCase.Data)
            {
                throw new ScanRefusedException(ScanRefusal.InvalidRequest, "only data chunks may follow the header");
            }
            yield return stream.Current.Data.Memory;
        }
    }

    /// <summary>A verdict as a client is answered it: without its scan time, which for a cached verdict would tell a tenant
    /// when another tenant's scan happened (docs/scan-server.md, "Sharing without an oracle"); the same for every answer,
    /// so a client's record of a verdict does not change from one answer to the next.</summary>
    private static Wire.Verdict Answer(Verdict? verdict)
    {
        var wire = WireConversions.ToWire(verdict);
        if (verdict is not null)
        {
            wire.ScannedAtUnixMs = 0; // a fresh message: the shared unknown-verdict instance is never touched
        }
        return wire;
    }

    private static StatusCode StatusOf(ScanRefusal refusal) => refusal switch
    {
        ScanRefusal.TooLarge => StatusCode.OutOfRange,
        ScanRefusal.Stalled => StatusCode.DeadlineExceeded,
        _ => StatusCode.InvalidArgument,
    };

    /// <summary>Turns the server's refusals into statuses with their message; anything else is logged by
    /// the gRPC pipeline and returned as INTERNAL without details.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> action, ServerCallContext context)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (ScanRefusedException refused)
        {
            throw new RpcException(new Status(StatusOf(refused.Refusal), refused.Message));
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "the client cancelled the call"));
        }
    }
}

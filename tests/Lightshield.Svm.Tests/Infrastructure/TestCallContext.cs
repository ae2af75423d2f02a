using Grpc.Core;

namespace Lightshield.Svm.Tests.Infrastructure;

/// <summary>The call context gRPC hands a server method, for calling server-side code directly.</summary>
internal sealed class TestCallContext(string? authorization, string? proof = null) : ServerCallContext
{
    public const string TestMethod = "/test/Method";

    private readonly Metadata _headers = [.. Entry("authorization", authorization), .. Entry(Lightshield.Protocol.Credentials.PossessionProof.MetadataKey, proof)];

    private static Metadata.Entry[] Entry(string key, string? value) => value is null ? [] : [new Metadata.Entry(key, value)];

    protected override string MethodCore => TestMethod;
    protected override string HostCore => "localhost";
    protected override string PeerCore => "ipv4:127.0.0.1:1";
    protected override DateTime DeadlineCore => DateTime.MaxValue;
    protected override Metadata RequestHeadersCore => _headers;
    protected override CancellationToken CancellationTokenCore => CancellationToken.None;
    protected override Metadata ResponseTrailersCore { get; } = [];
    protected override Status StatusCore { get; set; }
    protected override WriteOptions? WriteOptionsCore { get; set; }
    protected override AuthContext AuthContextCore => new(null, []);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
        throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}

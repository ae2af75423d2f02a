using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Grpc.Core;
using Lightshield.Client;
using Lightshield.Protocol;
using Lightshield.Protocol.Scan;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Scanning;

public sealed class ScanServiceTests : IAsyncLifetime
{
    private ScanServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:Engine:MaxFileSize"] = (1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Lookup_NeverSeenKeys_ReturnsUnknownForEachInOrder()
    {
        var keys = Enumerable.Range(0, 5).Select(_ => FileKey.Compute(TestContent.Unique(64))).ToList();
        var verdicts = await _server.Client.LookupAsync(keys, "t1");
        Assert.Equal(5, verdicts.Length);
        Assert.All(verdicts, Assert.Null);
    }

    [Fact]
    public async Task Scan_Eicar_InfectedThenAnsweredByLookup()
    {
        var (verdict, cached) = await _server.ScanAsync(TestSamples.Eicar());
        Assert.Equal(VerdictKind.Infected, verdict.Kind);
        Assert.False(cached);
        Assert.Contains(verdict.Names, name => name.Contains("EICAR", StringComparison.OrdinalIgnoreCase));

        var looked = await _server.Client.LookupAsync([FileKey.Compute(TestSamples.Eicar())], "t1");
        Assert.Equal(VerdictKind.Infected, looked[0]!.Kind);
    }

    [Fact]
    public async Task Scan_CleanContent_CleanAndCachedForThatTenantButNotRevealedToAnother()
    {
        var content = TestContent.Unique();
        var (verdict, _) = await _server.ScanAsync(content, tenant: "a");
        Assert.Equal(VerdictKind.Clean, verdict.Kind);
        Assert.Equal(VerdictKind.Clean, (await _server.Client.LookupAsync([FileKey.Compute(content)], "a"))[0]!.Kind);
        Assert.Null((await _server.Client.LookupAsync([FileKey.Compute(content)], "b"))[0]);
    }

    [Theory]
    [InlineData(ScanServerClient.InlineLimit)]
    [InlineData(ScanServerClient.InlineLimit + 1)]
    public async Task Scan_EitherSideOfTheInlineLimit_ScannedThenAnsweredFromTheCacheReadingOnlyWhatMustGo(int size)
    {
        var content = TestContent.Unique(size);
        var key = FileKey.Compute(content);
        var opened = 0;
        Stream Open()
        {
            opened++;
            return new MemoryStream(content);
        }

        var first = await _server.Client.ScanAsync(key, Open, Priority.OnDemand, "inline");
        Assert.Equal(ScanOutcomeKind.Answered, first.Kind);
        Assert.Equal(VerdictKind.Clean, first.Verdict!.Kind);
        Assert.False(first.Cached);
        Assert.Equal(1, opened);

        // Known content: a small file went with its header anyway (the server ended the call without reading it), a
        // larger one is not even opened.
        var second = await _server.Client.ScanAsync(key, Open, Priority.OnDemand, "inline");
        Assert.Equal(ScanOutcomeKind.Answered, second.Kind);
        Assert.Equal(VerdictKind.Clean, second.Verdict!.Kind);
        Assert.True(second.Cached);
        Assert.Equal(size <= ScanServerClient.InlineLimit ? 2 : 1, opened);
    }

    [Fact]
    public async Task Scan_ContentDifferentFromDeclaredKey_RefusedAndNothingCached()
    {
        var declared = TestContent.Unique();
        var sent = TestContent.Unique();
        var declaredKey = FileKey.Compute(declared);
        var refused = await Assert.ThrowsAsync<RpcException>(() => RawScanAsync(declaredKey, sent));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("does not match the declared", refused.Status.Detail, StringComparison.Ordinal);

        var verdicts = await _server.Client.LookupAsync([declaredKey, FileKey.Compute(sent)], "t1");
        Assert.All(verdicts, Assert.Null);
    }

    [Fact]
    public async Task Scan_EicarSentUnderTheKeyOfCleanFile_CannotPoisonTheCleanVerdict()
    {
        var clean = TestContent.Unique();
        var cleanKey = FileKey.Compute(clean);
        await Assert.ThrowsAsync<RpcException>(() => RawScanAsync(FileKey.From(cleanKey.Sha256(), TestSamples.Eicar().Length), TestSamples.Eicar()));
        var (verdict, _) = await _server.ScanAsync(clean, tenant: "victim");
        Assert.Equal(VerdictKind.Clean, verdict.Kind);
    }

    [Fact]
    public async Task Scan_TruncatedStream_InvalidArgumentAndServerStaysUp()
    {
        var content = TestContent.Unique(10_000);
        var refused = await Assert.ThrowsAsync<RpcException>(() => RawScanAsync(FileKey.Compute(content), content[..4000]));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("truncated", refused.Status.Detail, StringComparison.Ordinal);
        Assert.Null((await _server.Client.LookupAsync([FileKey.Compute(content)], "t1"))[0]);
        await AssertServerAnswersAsync();
    }

    [Fact]
    public async Task Scan_StreamLongerThanDeclared_Refused()
    {
        var content = TestContent.Unique(1000);
        var refused = await Assert.ThrowsAsync<RpcException>(() => RawScanAsync(FileKey.Compute(content), content, content));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains("longer than the declared", refused.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_CachedContent_AnsweredWithoutAskingForContent()
    {
        var content = TestContent.Unique(2000);
        await _server.ScanAsync(content);
        using var call = _server.Raw.Scan();
        await call.RequestStream.WriteAsync(Header(FileKey.Compute(content)));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ScanReply.PartOneofCase.Result, call.ResponseStream.Current.PartCase);
        Assert.True(call.ResponseStream.Current.Result.Cached);
    }

    [Fact]
    public async Task Scan_FileOverSizeLimit_RefusedBeforeUploadWithLimitInMessage()
    {
        var info = await _server.Client.GetInfoAsync();
        var content = TestContent.Unique((int)info.MaxFileSize + 1);
        var refused = await Assert.ThrowsAsync<RpcException>(() => RawScanAsync(FileKey.Compute(content), content));
        Assert.Equal(StatusCode.OutOfRange, refused.StatusCode);
        Assert.Contains($"up to {info.MaxFileSize} bytes", refused.Status.Detail, StringComparison.Ordinal);
        await AssertServerAnswersAsync();
    }

    [Fact]
    public async Task Scan_EmptyFile_CleanWithReason()
    {
        var (verdict, _) = await _server.ScanAsync([]);
        Assert.Equal(VerdictKind.Clean, verdict.Kind);
        Assert.Equal("empty file", verdict.Reason);
    }

    [Fact]
    public async Task Scan_NestedArchiveBomb_LimitExceededAndServerStaysUp()
    {
        var bomb = NestedZip(depth: 30, TestSamples.Eicar());
        var (verdict, _) = await _server.ScanAsync(bomb);
        Assert.Equal(VerdictKind.LimitExceeded, verdict.Kind);
        Assert.False(string.IsNullOrEmpty(verdict.Reason));
        await AssertServerAnswersAsync();
    }

    [Fact]
    public async Task Scan_FirstMessageIsData_InvalidArgument()
    {
        using var call = _server.Raw.Scan();
        await call.RequestStream.WriteAsync(new ScanChunk { Data = ByteString.CopyFrom(1, 2, 3) });
        await call.RequestStream.CompleteAsync();
        var refused = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public async Task Lookup_KeyWithWrongHashLength_InvalidArgument()
    {
        var request = new LookupRequest();
        request.Keys.Add(new Protocol.Scan.FileKey { Sha256 = ByteString.CopyFrom(1, 2, 3), Size = 3 });
        var refused = await Assert.ThrowsAsync<RpcException>(async () => await _server.Raw.LookupAsync(request));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public async Task GarbageFramesAndBytes_RefusedAndServerStaysUp()
    {
        // Raw bytes that are not HTTP/2 at all.
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync((IPEndPoint)IPEndPoint.Parse(_server.Endpoints.GrpcAddress.Authority));
            var stream = socket.GetStream();
            await stream.WriteAsync(TestContent.Unique(64 * 1024));
            await stream.FlushAsync();
        }

        // Well-formed HTTP/2 and gRPC framing around bytes that are not a protobuf message.
        using var http = new HttpClient(new SocketsHttpHandler());
        var payload = TestContent.Unique(512);
        payload[0] = 0xff; // an invalid wire type in the first tag
        var frame = new byte[5 + payload.Length];
        frame[4] = (byte)payload.Length; frame[3] = (byte)(payload.Length >> 8);
        payload.CopyTo(frame, 5);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.Endpoints.GrpcAddress, "/lightshield.scan.v1.ScanService/Lookup"))
        {
            Content = new ByteArrayContent(frame),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single()
            : response.Headers.TryGetValues("grpc-status", out values) ? values.Single()
            : $"none (HTTP {(int)response.StatusCode}, headers: {response.Headers}, trailers: {response.TrailingHeaders})";
        Assert.True(int.TryParse(status, out var code) && code != 0, $"expected a gRPC error status, got {status}: {response.TrailingHeaders}");

        await AssertServerAnswersAsync();
    }

    private async Task AssertServerAnswersAsync()
    {
        var (verdict, _) = await _server.ScanAsync(TestContent.Unique(128));
        Assert.Equal(VerdictKind.Clean, verdict.Kind);
    }

    /// <summary>The scan protocol by hand: header, wait for "ready", send the given chunks as they are.</summary>
    private async Task<ScanResponse> RawScanAsync(FileKey declared, params byte[][] chunks)
    {
        using var call = _server.Raw.Scan();
        await call.RequestStream.WriteAsync(Header(declared));
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ScanReply.PartOneofCase.Ready, call.ResponseStream.Current.PartCase);
        foreach (var chunk in chunks)
        {
            await call.RequestStream.WriteAsync(new ScanChunk { Data = ByteString.CopyFrom(chunk) });
        }
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        return call.ResponseStream.Current.Result;
    }

    private static ScanChunk Header(FileKey key) =>
        new() { Header = new ScanHeader { Key = WireConversions.ToWire(key), Priority = Priority.OnDemand, Tenant = "t1" } };

    private static byte[] NestedZip(int depth, byte[] innermost)
    {
        var content = innermost;
        for (var level = 0; level < depth; level++)
        {
            using var buffer = new MemoryStream();
            using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
            {
                var entry = zip.CreateEntry($"level{level}.zip", CompressionLevel.Fastest);
                using var entryStream = entry.Open();
                entryStream.Write(content);
            }
            content = buffer.ToArray();
        }
        return content;
    }
}

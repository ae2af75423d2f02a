using Lightshield.Client;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Scan;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Testing.Credentials;
using FileKey = Lightshield.Verdicts.FileKey;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Sharing;

/// <summary>A scan server with credentials of several tenants and the default sharing rule (K = 3): a tenant learns
/// nothing from the cache about content it has not uploaded itself, until three tenants have.</summary>
public sealed class SharingWithoutOracleTests : IAsyncLifetime
{
    private readonly CredentialSigningKey _center = CredentialSigningKey.Generate();
    private ScanServerHost _server = null!;

    public async Task InitializeAsync() =>
        _server = await ScanServerHost.StartAsync(TestContent.StarterDatabase, new Dictionary<string, string?>
        {
            ["Svm:TrustedCredentialKeys:0"] = _center.PublicKey.Encoded,
            ["Svm:Segment"] = "default",
        });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _center.Dispose();
    }

    [Fact]
    public async Task Lookup_of_another_tenants_unique_file_answers_as_for_a_never_seen_key_until_three_tenants_uploaded_it()
    {
        var (a, b, c, d) = (Tenant(), Tenant(), Tenant(), Tenant());
        var document = TestContent.Unique();
        var key = FileKey.Compute(document);
        var neverSeen = FileKey.Compute(TestContent.Unique());

        var uploadedByB = await UploadAsync(b, document);
        var aLooksUp = await a.LookupAsync([key, neverSeen], "ignored");
        var aUploads = await UploadAsync(a, document);
        var dBeforeThird = await d.LookupAsync([key], "ignored");
        await UploadAsync(c, document);
        var dAfterThird = await d.LookupAsync([key], "ignored");
        var bLooksUpItsOwn = await b.LookupAsync([key], "ignored");

        Assert.False(uploadedByB.Cached);
        Assert.All(aLooksUp, Assert.Null);
        Assert.False(aUploads.Cached); // received and scanned as for new content: no shortcut that timing could show
        Assert.Null(dBeforeThird[0]);
        Assert.Equal(VerdictKind.Clean, dAfterThird[0]!.Kind);
        Assert.Equal(VerdictKind.Clean, bLooksUpItsOwn[0]!.Kind);
    }

    [Fact]
    public async Task Answers_carry_no_scan_time()
    {
        var (a, b, c) = (Tenant(), Tenant(), Tenant());
        var content = TestContent.Unique();
        var scanned = await UploadAsync(a, content);
        await UploadAsync(b, content);
        await UploadAsync(c, content);

        var looked = (await Tenant().LookupAsync([FileKey.Compute(content)], "ignored"))[0]!;

        Assert.Equal(DateTimeOffset.UnixEpoch, scanned.Verdict!.ScannedAt);
        Assert.Equal(DateTimeOffset.UnixEpoch, looked.ScannedAt);
    }

    [Fact]
    public async Task A_scan_of_content_another_tenant_is_scanning_right_now_is_not_joined_to_it()
    {
        var (a, b) = (Tenant(), Tenant());
        var content = TestContent.Unique(512 * 1024);

        var both = await Task.WhenAll(UploadAsync(a, content), UploadAsync(b, content));

        Assert.All(both, outcome => Assert.False(outcome.Cached));
    }

    private ScanServerClient Tenant()
    {
        var now = DateTimeOffset.UtcNow;
        var credential = _center.Issue(new AgentClaims(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "default", now, now.AddHours(1),
            KeyThumbprint: TestAgentKey.Thumbprint));
        return new ScanServerClient(_server.Raw, () => credential);
    }

    private static async Task<ScanOutcome> UploadAsync(ScanServerClient client, byte[] content)
    {
        var outcome = await client.ScanAsync(FileKey.Compute(content), () => new MemoryStream(content), Priority.OnDemand, "ignored");
        Assert.Equal(ScanOutcomeKind.Answered, outcome.Kind);
        return outcome;
    }
}

using System.Security.Cryptography;
using System.Text;
using Lightshield.Protocol.Updates;
using Lightshield.Svm.Hosting;
using Lightshield.Svm.Tests.Infrastructure;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Updates;

/// <summary>A center (or anything between it and the scan server) that changes a signature set: the scan server applies
/// only sets signed by the provider's offline key, exactly as signed. Each refusal leaves the running database as it was,
/// is reported to the center, and is not retried for that version.</summary>
public sealed class UpdateSignatureAdversarialTests : SignatureUpdaterHarness
{
    /// <summary>Signed by the provider: the marker signature. Served instead: the same set with a whitelisting
    /// <c>.sfp</c> or with another rule in the same file, which is what a center turned hostile would send.</summary>
    private static Dictionary<string, byte[]> Signed()
    {
        var files = StarterFiles();
        files["provider.ndb"] = MarkerSignature("Provider.Test.Signed");
        return files;
    }

    private async Task AssertRefusedAsync(string reason, int downloadsAtMost)
    {
        var running = Engine.Database.Version;
        var updater = Updater();

        await updater.CheckOnceAsync(CancellationToken.None);

        Assert.Contains(reason, updater.LastError, StringComparison.Ordinal);
        Assert.Null(updater.RunningVersion);
        Assert.Equal(running, Engine.Database.Version);
        Assert.False(File.Exists(Path.Combine(DatabaseDirectory, "provider.ndb")));
        Assert.Equal(VerdictKind.Clean, (await Server.ScanAsync(Marked())).Verdict.Kind);
        Assert.InRange(Updates.Downloads.Count, 0, downloadsAtMost);
        var report = Updates.Reports.Last();
        Assert.Equal((0L, 1L), (report.RunningVersion, report.FailedVersion));

        // Not retried: the same version is refused without fetching anything again.
        Updates.Downloads.Clear();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Empty(Updates.Downloads);
        Assert.Null(updater.RunningVersion);
    }

    [Fact]
    public async Task An_unsigned_version_is_refused_before_any_download()
    {
        PublishSigned(1, Signed(), key: null);

        await AssertRefusedAsync("is not signed", downloadsAtMost: 0);
    }

    [Fact]
    public async Task A_file_changed_after_signing_is_refused_after_fetching_only_the_signature()
    {
        var served = Signed();
        served["provider.ndb"] = MarkerSignature("Provider.Test.Swapped");

        PublishSigned(1, Signed(), ProviderKey, served);

        await AssertRefusedAsync("differs from the signed one", downloadsAtMost: 1);
    }

    [Fact]
    public async Task A_file_added_to_a_signed_set_is_refused()
    {
        var served = Signed();
        served["allow.sfp"] = Encoding.ASCII.GetBytes($"{new string('0', 64)}:100:Allowed\n");

        PublishSigned(1, Signed(), ProviderKey, served);

        await AssertRefusedAsync("'allow.sfp' is not in the signed set", downloadsAtMost: 1);
    }

    [Fact]
    public async Task A_file_removed_from_a_signed_set_is_refused()
    {
        var served = Signed();
        served.Remove("provider.ndb");
        served["provider.ndb.unused.hdb"] = Encoding.ASCII.GetBytes($"{new string('1', 32)}:10:Unused\n");

        PublishSigned(1, Signed(), ProviderKey, served);

        await AssertRefusedAsync("not in the signed set", downloadsAtMost: 1);
    }

    [Fact]
    public async Task A_signature_by_a_key_the_scan_server_does_not_trust_is_refused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        PublishSigned(1, Signed(), other);

        await AssertRefusedAsync("which this scan server does not trust", downloadsAtMost: 1);
    }

    [Fact]
    public async Task A_signature_file_whose_listed_hash_was_edited_is_refused()
    {
        var signed = Signed();
        var real = Convert.ToHexStringLower(SHA256.HashData(signed["provider.ndb"]));
        var served = Signed();
        served["provider.ndb"] = MarkerSignature("Provider.Test.Edited");
        var edited = Convert.ToHexStringLower(SHA256.HashData(served["provider.ndb"]));
        var size = served["provider.ndb"].Length;

        // The center edits the listed hash (and size) to match its own file and keeps the provider's signature line.
        PublishSigned(1, signed, ProviderKey, served,
            alter: text => text.Replace($"provider.ndb {real} {signed["provider.ndb"].Length}", $"provider.ndb {edited} {size}", StringComparison.Ordinal));

        await AssertRefusedAsync("does not verify", downloadsAtMost: 1);
    }

    [Fact]
    public async Task The_signature_file_is_not_written_into_the_database_directory()
    {
        Publish(1, Signed());
        var updater = Updater();

        await updater.CheckOnceAsync(CancellationToken.None);

        Assert.Equal(1, updater.RunningVersion);
        Assert.False(File.Exists(Path.Combine(DatabaseDirectory, UpdateSignatureFile.FileName)));
        Assert.Equal(VerdictKind.Infected, (await Server.ScanAsync(Marked())).Verdict.Kind);
    }

    [Fact]
    public void A_scan_server_that_takes_center_updates_needs_a_trusted_update_key_and_reaches_a_remote_center_over_https_only()
    {
        var validator = new SvmOptionsValidator();
        SvmOptions With(string center, bool updates, params string[] keys) => new()
        {
            DatabaseDirectory = TestContent.StarterDatabase,
            Center = new Uri(center),
            CenterToken = "token",
            CenterUpdates = updates,
            TrustedUpdateKeys = keys,
        };
        var providerKey = Convert.ToBase64String(ProviderKey.ExportSubjectPublicKeyInfo());

        var noKey = validator.Validate(null, With("https://center.example:7444", updates: true));
        var plainRemote = validator.Validate(null, With("http://center.example:7444", updates: true, providerKey));

        Assert.True(noKey.Failed);
        Assert.Contains("Svm:TrustedUpdateKeys is required", noKey.FailureMessage, StringComparison.Ordinal);
        Assert.True(plainRemote.Failed);
        Assert.Contains("http:// is accepted only on loopback", plainRemote.FailureMessage, StringComparison.Ordinal);
        Assert.True(validator.Validate(null, With("https://center.example:7444", updates: true, providerKey)).Succeeded);
        Assert.True(validator.Validate(null, With("http://127.0.0.1:7444", updates: false)).Succeeded);
    }
}

using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Lightshield.Engine;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Updates;
using Lightshield.Svm.Database;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Svm.Updates;
using Lightshield.Svm.Workers;
using Lightshield.Testing;
using Lightshield.Testing.Center;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Updates;

/// <summary>A real scan server (libclamav in its workers), a fake center serving one version from memory, and an
/// updater between them that trusts <see cref="ProviderKey"/>.</summary>
public abstract class SignatureUpdaterHarness : IAsyncLifetime
{
    protected const string Marker = "LIGHTSHIELD-UPDATE-TEST-5d1a";
    private readonly TempDirectory _database = TestContent.CopyOfStarterDatabase();
    private readonly TempDirectory _data = new();
    private FakeCenter _center = null!;
    private ScanServerHost _server = null!;
    private GrpcChannel _channel = null!;

    /// <summary>The provider's offline update signing key.</summary>
    protected static ECDsa ProviderKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private protected ScanServerHost Server => _server;

    protected string DatabaseDirectory => _database.Path;

    public async Task InitializeAsync()
    {
        _center = await FakeCenter.StartAsync();
        _server = await ScanServerHost.StartAsync(_database.Path, new Dictionary<string, string?> { ["Svm:WatchDatabase"] = "false" });
        _channel = GrpcChannel.ForAddress(_center.Address);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
        await _center.DisposeAsync();
        _database.Dispose();
        _data.Dispose();
    }

    protected SignatureUpdater Updater() => new(new UpdateGateway.UpdateGatewayClient(_channel), new Metadata(), "svm-under-test",
        new LocalUpdateFiles(_data.Path), Engine, _server.Services.GetRequiredService<DatabaseReloader>(),
        [CredentialPublicKey.FromSubjectPublicKeyInfo(ProviderKey.ExportSubjectPublicKeyInfo())], NullLogger.Instance);

    protected ScanWorkers Engine => _server.Services.GetRequiredService<ScanWorkers>();

    protected FakeUpdateGateway Updates => _center.Updates;

    /// <summary>Makes <paramref name="files"/> the center's version <paramref name="version"/>, signed with
    /// <see cref="ProviderKey"/>.</summary>
    protected void Publish(long version, IReadOnlyDictionary<string, byte[]> files) => PublishSigned(version, files, ProviderKey);

    /// <summary>Publishes <paramref name="served"/> (default: <paramref name="signedSet"/>) with a signature over
    /// <paramref name="signedSet"/> made by <paramref name="key"/> (none: unsigned), passed through <paramref name="alter"/>.</summary>
    protected void PublishSigned(long version, IReadOnlyDictionary<string, byte[]> signedSet, ECDsa? key,
        IReadOnlyDictionary<string, byte[]>? served = null, Func<string, string>? alter = null)
    {
        served ??= signedSet;
        // What the engine will report for these files: inspect a copy (no engine needed).
        using var copy = new TempDirectory("lightshield-published-");
        foreach (var (name, content) in served)
        {
            copy.Write(name, content);
        }
        var published = served.ToDictionary();
        if (key is not null)
        {
            var signature = UpdateSignatureFile.Sign(
                signedSet.Select(f => new SignedUpdateFile(f.Key, Convert.ToHexStringLower(SHA256.HashData(f.Value)), f.Value.Length)), DateTimeOffset.UtcNow, key);
            published[UpdateSignatureFile.FileName] = Encoding.UTF8.GetBytes(alter?.Invoke(signature) ?? signature);
        }
        Updates.Publish(version, published, DatabaseInspector.Inspect(copy.Path).Version);
    }

    protected static Dictionary<string, byte[]> StarterFiles() =>
        Directory.EnumerateFiles(TestContent.StarterDatabase).Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    protected static byte[] MarkerSignature(string name) =>
        Encoding.ASCII.GetBytes($"{name}:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Marker))}\n");

    protected static byte[] Marked() => [.. TestContent.Unique(2000), .. Encoding.ASCII.GetBytes(Marker), .. TestContent.Unique(100)];
}

public sealed class SignatureUpdaterTests : SignatureUpdaterHarness
{

    [Fact]
    public async Task An_update_reloads_the_engine_while_clients_scan_no_scan_fails_and_the_new_signature_detects_after()
    {
        Assert.Equal(VerdictKind.Clean, (await Server.ScanAsync(Marked())).Verdict.Kind);
        var files = StarterFiles();
        files["provider.ndb"] = MarkerSignature("Provider.Test.UpdateMarker");
        Publish(1, files);

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var scans = new ProgressCounter();
        var clients = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var (verdict, _) = await Server.ScanAsync(TestContent.Unique(8192), tenant: $"t{i}");
                    if (verdict.Kind != VerdictKind.Clean)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
                scans.Increment();
            }
        })).ToArray();
        await scans.WaitForAsync(10, "ten scans before the update");
        var updater = Updater();
        await updater.CheckOnceAsync(CancellationToken.None);
        await scans.WaitForAsync(scans.Value + 10, "ten scans after the update");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Equal(0, failures);
        Assert.Null(updater.LastError);
        Assert.Equal(1, updater.RunningVersion);
        var after = await Server.ScanAsync(Marked());
        Assert.Equal(VerdictKind.Infected, after.Verdict.Kind);
        Assert.Contains("Provider.Test.UpdateMarker", after.Verdict.Names[0], StringComparison.Ordinal);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), Directory.EnumerateFiles(DatabaseDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);
        var report = Updates.Reports.Last();
        Assert.Equal((1L, 0L, ""), (report.RunningVersion, report.FailedVersion, report.Error));
    }

    [Fact]
    public async Task A_second_version_that_changes_one_file_downloads_only_that_file_and_its_signature_and_a_check_without_change_downloads_nothing()
    {
        var files = StarterFiles();
        files["provider.ndb"] = MarkerSignature("Provider.Test.First");
        Publish(1, files);
        var updater = Updater();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(files.Count + 1, Updates.Downloads.Count); // and the signature

        files["provider.ndb"] = MarkerSignature("Provider.Test.Second");
        Publish(2, files);
        Updates.Downloads.Clear();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(2, Updates.Downloads.Count); // the changed file and the new set's signature
        Assert.Equal(2, updater.RunningVersion);
        Assert.Contains("Provider.Test.Second", (await Server.ScanAsync(Marked())).Verdict.Names[0], StringComparison.Ordinal);

        Updates.Downloads.Clear();
        var reloads = Engine.Database.LoadedAt;
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Empty(Updates.Downloads);
        Assert.Equal(reloads, Engine.Database.LoadedAt);
    }

    [Theory]
    [InlineData(UpdateDamage.Tamper)]
    [InlineData(UpdateDamage.Truncate)]
    public async Task A_tampered_or_truncated_download_is_refused_and_the_server_stays_on_its_version(UpdateDamage damage)
    {
        var running = Engine.Database.Version;
        var files = StarterFiles();
        files["provider.ndb"] = MarkerSignature("Provider.Test.Damaged");
        Publish(1, files);
        Updates.Damage = damage;
        var updater = Updater();

        await updater.CheckOnceAsync(CancellationToken.None);

        Assert.Null(updater.RunningVersion);
        Assert.Contains("truncated or tampered download refused", updater.LastError, StringComparison.Ordinal);
        Assert.Equal(running, Engine.Database.Version);
        Assert.Equal(VerdictKind.Clean, (await Server.ScanAsync(Marked())).Verdict.Kind);
        Assert.False(File.Exists(Path.Combine(DatabaseDirectory, "provider.ndb")));
        var report = Updates.Reports.Last();
        Assert.Equal((0L, 1L), (report.RunningVersion, report.FailedVersion));
        Assert.Contains("refused", report.Error, StringComparison.Ordinal);

        // The damage was in transit: the next check fetches again and succeeds.
        Updates.Damage = UpdateDamage.None;
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(1, updater.RunningVersion);
        Assert.Equal(VerdictKind.Infected, (await Server.ScanAsync(Marked())).Verdict.Kind);
    }

    [Fact]
    public async Task A_version_the_engine_cannot_load_is_refused_before_the_swap_and_not_retried()
    {
        var running = Engine.Database.Version;
        var before = Directory.EnumerateFiles(DatabaseDirectory).Select(File.ReadAllBytes).ToList();
        var files = StarterFiles();
        files["broken.ldb"] = Encoding.ASCII.GetBytes("Broken.Sig;Engine:51-255,Target:0;0&1;notahexsig\n");
        Publish(1, files);
        var updater = Updater();

        await updater.CheckOnceAsync(CancellationToken.None);

        Assert.Contains("does not load", updater.LastError, StringComparison.Ordinal);
        Assert.Null(updater.RunningVersion);
        Assert.Equal(running, Engine.Database.Version);
        Assert.Equal(before, Directory.EnumerateFiles(DatabaseDirectory).Select(File.ReadAllBytes).ToList());
        Updates.Downloads.Clear();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Empty(Updates.Downloads);
        Assert.Equal(1, Updates.Reports.Last().FailedVersion);
    }
}

using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Lightshield.Engine;
using Lightshield.Protocol.Center;
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

public sealed class SignatureUpdaterTests : IAsyncLifetime
{
    private const string Marker = "LIGHTSHIELD-UPDATE-TEST-5d1a";
    private readonly TempDirectory _database = TestContent.CopyOfStarterDatabase();
    private readonly TempDirectory _data = new();
    private FakeCenter _center = null!;
    private ScanServerHost _server = null!;
    private GrpcChannel _channel = null!;

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

    private SignatureUpdater Updater() => new(new UpdateGateway.UpdateGatewayClient(_channel), new Metadata(), "svm-under-test",
        new LocalUpdateFiles(_data.Path), Engine, _server.Services.GetRequiredService<DatabaseReloader>(), NullLogger.Instance);

    private ScanWorkers Engine => _server.Services.GetRequiredService<ScanWorkers>();

    private FakeUpdateGateway Updates => _center.Updates;

    /// <summary>Makes <paramref name="files"/> the center's version <paramref name="version"/>.</summary>
    private void Publish(long version, IReadOnlyDictionary<string, byte[]> files)
    {
        // What the engine will report for these files: inspect a copy (no engine needed).
        using var copy = new TempDirectory("lightshield-published-");
        foreach (var (name, content) in files)
        {
            copy.Write(name, content);
        }
        Updates.Publish(version, files, DatabaseInspector.Inspect(copy.Path).Version);
    }

    private static Dictionary<string, byte[]> StarterFiles() =>
        Directory.EnumerateFiles(TestContent.StarterDatabase).Where(f => !f.EndsWith(".md", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    private static byte[] MarkerSignature(string name) =>
        Encoding.ASCII.GetBytes($"{name}:0:*:{Convert.ToHexStringLower(Encoding.ASCII.GetBytes(Marker))}\n");

    private static byte[] Marked() => [.. TestContent.Unique(2000), .. Encoding.ASCII.GetBytes(Marker), .. TestContent.Unique(100)];

    [Fact]
    public async Task An_update_reloads_the_engine_while_clients_scan_no_scan_fails_and_the_new_signature_detects_after()
    {
        Assert.Equal(VerdictKind.Clean, (await _server.ScanAsync(Marked())).Verdict.Kind);
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
                    var (verdict, _) = await _server.ScanAsync(TestContent.Unique(8192), tenant: $"t{i}");
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
        var after = await _server.ScanAsync(Marked());
        Assert.Equal(VerdictKind.Infected, after.Verdict.Kind);
        Assert.Contains("Provider.Test.UpdateMarker", after.Verdict.Names[0], StringComparison.Ordinal);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), Directory.EnumerateFiles(_database.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);
        var report = Updates.Reports.Last();
        Assert.Equal((1L, 0L, ""), (report.RunningVersion, report.FailedVersion, report.Error));
    }

    [Fact]
    public async Task A_second_version_that_changes_one_file_downloads_only_that_file_and_a_check_without_change_downloads_nothing()
    {
        var files = StarterFiles();
        files["provider.ndb"] = MarkerSignature("Provider.Test.First");
        Publish(1, files);
        var updater = Updater();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(files.Count, Updates.Downloads.Count);

        files["provider.ndb"] = MarkerSignature("Provider.Test.Second");
        Publish(2, files);
        Updates.Downloads.Clear();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Single(Updates.Downloads);
        Assert.Equal(2, updater.RunningVersion);
        Assert.Contains("Provider.Test.Second", (await _server.ScanAsync(Marked())).Verdict.Names[0], StringComparison.Ordinal);

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
        Assert.Equal(VerdictKind.Clean, (await _server.ScanAsync(Marked())).Verdict.Kind);
        Assert.False(File.Exists(Path.Combine(_database.Path, "provider.ndb")));
        var report = Updates.Reports.Last();
        Assert.Equal((0L, 1L), (report.RunningVersion, report.FailedVersion));
        Assert.Contains("refused", report.Error, StringComparison.Ordinal);

        // The damage was in transit: the next check fetches again and succeeds.
        Updates.Damage = UpdateDamage.None;
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(1, updater.RunningVersion);
        Assert.Equal(VerdictKind.Infected, (await _server.ScanAsync(Marked())).Verdict.Kind);
    }

    [Fact]
    public async Task A_version_the_engine_cannot_load_is_refused_before_the_swap_and_not_retried()
    {
        var running = Engine.Database.Version;
        var before = Directory.EnumerateFiles(_database.Path).Select(File.ReadAllBytes).ToList();
        var files = StarterFiles();
        files["broken.ldb"] = Encoding.ASCII.GetBytes("Broken.Sig;Engine:51-255,Target:0;0&1;notahexsig\n");
        Publish(1, files);
        var updater = Updater();

        await updater.CheckOnceAsync(CancellationToken.None);

        Assert.Contains("does not load", updater.LastError, StringComparison.Ordinal);
        Assert.Null(updater.RunningVersion);
        Assert.Equal(running, Engine.Database.Version);
        Assert.Equal(before, Directory.EnumerateFiles(_database.Path).Select(File.ReadAllBytes).ToList());
        Updates.Downloads.Clear();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Empty(Updates.Downloads);
        Assert.Equal(1, Updates.Reports.Last().FailedVersion);
    }
}

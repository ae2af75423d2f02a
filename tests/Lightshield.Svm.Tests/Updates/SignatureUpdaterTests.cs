using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Lightshield.Protocol.Center;
using Lightshield.Svm.Database;
using Lightshield.Svm.Tests.Infrastructure;
using Lightshield.Svm.Updates;
using Lightshield.Svm.Workers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using VerdictKind = Lightshield.Verdicts.VerdictKind;

namespace Lightshield.Svm.Tests.Updates;

public sealed class SignatureUpdaterTests : IAsyncLifetime
{
    private const string Marker = "LIGHTSHIELD-UPDATE-TEST-5d1a";
    private readonly FakeUpdateCenter _center = new();
    private readonly TempDirectory _database = TestContent.CopyOfStarterDatabase();
    private readonly TempDirectory _data = new();
    private ScanServerHost _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        await _center.StartAsync();
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
        _center.Publish(1, files);

        using var stop = new CancellationTokenSource();
        var failures = 0;
        var scans = 0;
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
                Interlocked.Increment(ref scans);
            }
        })).ToArray();
        var before = Volatile.Read(ref scans);
        while (Volatile.Read(ref scans) < before + 10)
        {
            await Task.Delay(20);
        }
        var updater = Updater();
        await updater.CheckOnceAsync(CancellationToken.None);
        var during = Volatile.Read(ref scans);
        while (Volatile.Read(ref scans) < during + 10)
        {
            await Task.Delay(20);
        }
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        Assert.Equal(0, failures);
        Assert.Null(updater.LastError);
        Assert.Equal(1, updater.RunningVersion);
        var after = await _server.ScanAsync(Marked());
        Assert.Equal(VerdictKind.Infected, after.Verdict.Kind);
        Assert.Contains("Provider.Test.UpdateMarker", after.Verdict.Names[0], StringComparison.Ordinal);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal), Directory.EnumerateFiles(_database.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal)!);
        var report = _center.Reports.Last();
        Assert.Equal((1L, 0L, ""), (report.RunningVersion, report.FailedVersion, report.Error));
    }

    [Fact]
    public async Task A_second_version_that_changes_one_file_downloads_only_that_file_and_a_check_without_change_downloads_nothing()
    {
        var files = StarterFiles();
        files["provider.ndb"] = MarkerSignature("Provider.Test.First");
        _center.Publish(1, files);
        var updater = Updater();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(files.Count, _center.Downloads.Count);

        files["provider.ndb"] = MarkerSignature("Provider.Test.Second");
        _center.Publish(2, files);
        _center.Downloads.Clear();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Single(_center.Downloads);
        Assert.Equal(2, updater.RunningVersion);
        Assert.Contains("Provider.Test.Second", (await _server.ScanAsync(Marked())).Verdict.Names[0], StringComparison.Ordinal);

        _center.Downloads.Clear();
        var reloads = Engine.Database.LoadedAt;
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Empty(_center.Downloads);
        Assert.Equal(reloads, Engine.Database.LoadedAt);
    }

    [Theory]
    [InlineData("tamper")]
    [InlineData("truncate")]
    public async Task A_tampered_or_truncated_download_is_refused_and_the_server_stays_on_its_version(string damage)
    {
        var running = Engine.Database.Version;
        var files = StarterFiles();
        files["provider.ndb"] = MarkerSignature("Provider.Test.Damaged");
        _center.Publish(1, files);
        _center.Damage = damage;
        var updater = Updater();

        await updater.CheckOnceAsync(CancellationToken.None);

        Assert.Null(updater.RunningVersion);
        Assert.Contains("truncated or tampered download refused", updater.LastError, StringComparison.Ordinal);
        Assert.Equal(running, Engine.Database.Version);
        Assert.Equal(VerdictKind.Clean, (await _server.ScanAsync(Marked())).Verdict.Kind);
        Assert.False(File.Exists(Path.Combine(_database.Path, "provider.ndb")));
        var report = _center.Reports.Last();
        Assert.Equal((0L, 1L), (report.RunningVersion, report.FailedVersion));
        Assert.Contains("refused", report.Error, StringComparison.Ordinal);

        // The damage was in transit: the next check fetches again and succeeds.
        _center.Damage = "none";
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
        _center.Publish(1, files);
        var updater = Updater();

        await updater.CheckOnceAsync(CancellationToken.None);

        Assert.Contains("does not load", updater.LastError, StringComparison.Ordinal);
        Assert.Null(updater.RunningVersion);
        Assert.Equal(running, Engine.Database.Version);
        Assert.Equal(before, Directory.EnumerateFiles(_database.Path).Select(File.ReadAllBytes).ToList());
        _center.Downloads.Clear();
        await updater.CheckOnceAsync(CancellationToken.None);
        Assert.Empty(_center.Downloads);
        Assert.Equal(1, _center.Reports.Last().FailedVersion);
    }
}

using System.Diagnostics;
using Lightshield.Agent.Center;
using Lightshield.Agent.Health;
using Lightshield.Agent.Tests.Support;
using Lightshield.Protocol.Center;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Agent.Tests.Health;

/// <summary>The OS-health collectors against real files and real system calls: a mount table the test writes measured
/// with the real statvfs, a reboot flag under a root directory of the test's own, systemctl and apt-get run for real
/// with their limits.</summary>
public sealed class HealthCollectorsTests : IDisposable
{
    private readonly TempState _state = new();

    public void Dispose() => _state.Dispose();

    private string Write(string name, string text)
    {
        var path = Path.Combine(_state.Directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void FileSystems_KeepsRealWritableMountsOncePerDevice_MeasuredByStatvfs()
    {
        var spaced = Directory.CreateDirectory(Path.Combine(_state.Directory, "with space")).FullName;
        var table = Write("mounts", $"""
            proc /proc proc rw,nosuid 0 0
            tmpfs /dev/shm tmpfs rw 0 0
            /dev/loop3 /snap/core/1 squashfs ro,nodev 0 0
            /dev/sda2 /mnt/readonly ext4 ro,relatime 0 0
            /dev/test-a / ext4 rw,relatime 0 0
            /dev/test-a /var/lib/bound ext4 rw,relatime 0 0
            /dev/test-b {spaced.Replace(" ", "\\040", StringComparison.Ordinal)} xfs rw 0 0
            /dev/test-c /does/not/exist ext4 rw 0 0
            garbage
            """);

        var spaces = FileSystemUsage.Read(table);

        Assert.Equal(["/", spaced], spaces.Select(s => s.MountPoint));
        Assert.Equal(["ext4", "xfs"], spaces.Select(s => s.Type));
        var root = new DriveInfo("/");
        Assert.Equal(root.TotalSize, spaces[0].TotalBytes);
        Assert.InRange(spaces[0].FreeBytes, root.AvailableFreeSpace - (64L << 20), root.AvailableFreeSpace + (64L << 20));
        Assert.All(spaces, s => Assert.InRange(s.FreeBytes, 1, s.TotalBytes));
    }

    [Fact]
    public void FileSystems_ReportAtMost64_AndNothingWhenTheTableIsUnreadable()
    {
        var lines = Enumerable.Range(0, 500).Select(i => $"/dev/many{i} / ext4 rw 0 0");
        Assert.Equal(FileSystemUsage.MaxReported, FileSystemUsage.Read(Write("many", string.Join('\n', lines))).Count);
        Assert.Empty(FileSystemUsage.Read(Path.Combine(_state.Directory, "missing")));
    }

    [Fact]
    public void RebootRequired_FollowsTheFlagFileUnderTheRoot()
    {
        Assert.False(RebootRequired.Check(_state.Directory));
        Write("var/run/reboot-required", "*** System restart required ***\n");
        Assert.True(RebootRequired.Check(_state.Directory));
    }

    [Fact]
    public async Task FailedUnits_UnknownWithoutSystemd_ParsedFromSystemctlsPlainList()
    {
        Assert.Null(await FailedUnits.ListAsync(_state.Directory, FailedUnits.Timeout, CancellationToken.None));
        Assert.Equal(["nginx.service", "backup.timer"], FailedUnits.Parse("""
            nginx.service  loaded failed failed A high performance web server
            ● backup.timer loaded failed failed Nightly backup

            """));
        Assert.Empty(FailedUnits.Parse(""));
    }

    [Fact]
    public void PendingUpdates_AptSimulation_CountsSecurityOnesByTheirArchive()
    {
        var counts = PendingUpdates.ParseApt("""
            Reading package lists...
            Inst base-files [12.4+deb12u11] (12.4+deb12u15 Debian:12.15/oldstable [amd64])
            Inst libgcrypt20 [1.10.1-3] (1.10.1-3+deb12u1 Debian:12.15/oldstable, Debian-Security:12/oldstable-security [amd64]) []
            Inst openssl [3.0.0] (3.0.1 Ubuntu:22.04/jammy-security [amd64])
            Inst my-security-tools [1] (2 Local:stable [amd64])
            Conf base-files (12.4+deb12u15 Debian:12.15/oldstable [amd64])
            """);
        Assert.Equal(new PendingUpdates("apt", 4, 2), counts);
    }

    [Fact]
    public void PendingUpdates_Dnf_CountsUpdatesAndSecurityPackages()
    {
        var counts = PendingUpdates.ParseDnf("""

            kernel.x86_64            5.14.0-427.el9     baseos
            openssl.x86_64           1:3.0.7-27.el9     baseos
            Obsoleting Packages
            grub2-tools.x86_64       1:2.06-80.el9      baseos
            """, """
            RHSA-2024:1234 Important/Sec. openssl-1:3.0.7-27.el9.x86_64
            RHSA-2024:1235 Important/Sec. openssl-1:3.0.7-27.el9.x86_64
            """);
        Assert.Equal(new PendingUpdates("dnf", 2, 1), counts);
    }

    [Fact]
    public async Task PendingUpdates_AskedOfTheRealPackageManager_CachedUntilTheInterval()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var monitor = new PendingUpdatesMonitor(new HealthOptions { PendingUpdatesInterval = TimeSpan.FromHours(1) }, time,
            NullLogger<PendingUpdatesMonitor>.Instance);
        Assert.Equal(PendingUpdates.Unknown, monitor.Current()); // the first call starts a check and does not wait for it

        var counts = await monitor.RefreshAsync(CancellationToken.None);
        var expected = File.Exists("/usr/bin/apt-get") ? "apt" : File.Exists("/usr/bin/dnf") ? "dnf" : "";
        Assert.Equal(expected, counts.Manager);
        if (expected.Length > 0)
        {
            Assert.InRange(counts.SecurityUpdates, -1, counts.Updates);
        }
        Assert.Equal(counts, monitor.Current());
    }

    [Fact]
    public async Task BoundedCommand_KillsAProgramPastItsTime_AndAMissingProgramIsUnknown()
    {
        var watch = Stopwatch.StartNew();
        Assert.Null(await BoundedCommand.RunAsync("sleep", ["30"], TimeSpan.FromMilliseconds(300), CancellationToken.None));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Null(await BoundedCommand.RunAsync("lightshield-no-such-program", [], TimeSpan.FromSeconds(5), CancellationToken.None));
        var echo = await BoundedCommand.RunAsync("sh", ["-c", "head -c 3000000 /dev/zero | tr '\\0' x; exit 3"], TimeSpan.FromSeconds(20), CancellationToken.None);
        Assert.Equal(3, echo!.ExitCode);
        Assert.Equal(BoundedCommand.MaxOutputChars, echo.Output.Length);
    }

    [Fact]
    public void ClockSkew_IsTheMidpointOfTheRoundTripAgainstTheCentersTime()
    {
        var skew = new ClockSkew();
        var sent = DateTimeOffset.FromUnixTimeMilliseconds(1_000_000);
        skew.Measure(sent, sent.AddMilliseconds(200), 0);
        Assert.Null(skew.Current); // an answer without a time
        skew.Measure(sent, sent.AddMilliseconds(200), 1_000_100 - 45_000);
        Assert.Equal(TimeSpan.FromSeconds(45), skew.Current);
    }

    [Fact]
    public async Task LastCompleted_IsTheTimeTheLastCompletedTaskOfAKindEnded()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var book = new CenterTaskBook(_state.Database, time);
        var full = new AgentTask { TaskId = "full-1", Kind = TaskKind.FullScan };
        var memory = new AgentTask { TaskId = "memory-1", Kind = TaskKind.MemoryScan };
        await book.AddAsync(full);
        await book.AddAsync(memory);
        Assert.Null(await book.LastCompletedAsync(TaskKind.FullScan));

        var completedAt = time.GetUtcNow().AddMinutes(5);
        time.SetUtcNow(completedAt);
        await book.UpdateAsync((await book.GetAsync("full-1"))! with { State = TaskState.Completed });
        await book.UpdateAsync((await book.GetAsync("memory-1"))! with { State = TaskState.Failed });
        time.Advance(TimeSpan.FromHours(1));
        await book.UpdateAsync((await book.GetAsync("full-1"))! with { State = TaskState.Completed }); // reported again: keeps its time

        Assert.Equal(completedAt.ToUnixTimeMilliseconds(), (await book.LastCompletedAsync(TaskKind.FullScan))!.Value.ToUnixTimeMilliseconds());
        Assert.Null(await book.LastCompletedAsync(TaskKind.MemoryScan)); // a failed scan is no scan
    }

    [Fact]
    public void HealthOptions_ReportEveryInvalidSettingAtOnce()
    {
        var errors = new HealthOptions { RootDirectory = "relative", PendingUpdatesInterval = TimeSpan.FromSeconds(1), CommandTimeout = TimeSpan.FromHours(1) }
            .Validate();
        Assert.Equal(3, errors.Count);
        Assert.Empty(new HealthOptions().Validate());
    }
}

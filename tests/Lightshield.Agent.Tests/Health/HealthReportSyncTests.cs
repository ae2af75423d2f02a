using Lightshield.Agent.Tests.Center;

namespace Lightshield.Agent.Tests.Health;

/// <summary>A running agent reports its VM's health with every sync, and measures its clock against the center's.</summary>
public sealed class HealthReportSyncTests
{
    [Fact]
    public async Task EverySync_CarriesFileSystemsRebootFlagUpdatesAndTheClockSkewAgainstTheCenter()
    {
        await using var bed = await CenterTestBed.StartAsync();
        bed.AssignServer();
        bed.Center.ClockOffset = TimeSpan.FromSeconds(-45); // the center runs 45 s behind: the agent is 45 s ahead
        var root = Directory.CreateTempSubdirectory("lightshield-health-root-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "var/run"));
            await File.WriteAllTextAsync(Path.Combine(root, "var/run/reboot-required"), "*** System restart required ***\n");
            await using var agent = await bed.StartAgentAsync(more: new Dictionary<string, string?> { ["Health:RootDirectory"] = root });

            await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Any(s => s.Health.ClockSkewKnown && s.Health.DatabaseAgeSeconds >= 0),
                "a sync with the clock skew measured and the scan server's signature age");
            var health = bed.Center.Syncs.Last(s => s.Health.ClockSkewKnown).Health;

            Assert.InRange(health.ClockSkewMs, 44_000, 46_000);
            Assert.True(health.RebootRequired);
            Assert.Equal(-1, health.FailedUnitsCount); // no systemd under the test's root
            Assert.Contains(health.FileSystems, f => f.MountPoint == "/" && f.TotalBytes > 0 && f.FreeBytes > 0);
            Assert.DoesNotContain(health.FileSystems, f => f.Type is "tmpfs" or "proc" or "sysfs");
            Assert.InRange(health.DatabaseAgeSeconds, 0, 3600); // the test's scan server loaded its signatures just now
            Assert.Equal(0, health.LastFullScanUnixMs); // never ran one
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}

using System.Diagnostics;
using System.Text;
using Lightshield.Agent.Quarantine;
using Lightshield.Agent.Tests.Quarantine;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;
using Xunit.Abstractions;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>A local user has <c>~/d/ld.so.preload</c> quarantined, then swaps <c>d</c> for a symbolic link to
/// <c>/etc</c> while root restores it: the restore must write nothing outside the original directory (here
/// <c>victim/</c> stands for <c>/etc</c>), whichever way the directory is swapped.</summary>
[Collection(AdversarialCollection.Name)]
public sealed class RestoreAdversarialTests(AttackerUser attacker, ITestOutputHelper output)
{
    private const int Attempts = 10_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(25);
    private static readonly byte[] Content = Encoding.ASCII.GetBytes("/home/attacker/evil.so\n");

    [AdversarialFact]
    public Task Restore_ParentExchangedWithSymlinkToVictim_WritesNothingOutsideTheOriginalDirectory() => RaceAsync(RacerMode.Exchange);

    [AdversarialFact]
    public Task Restore_ParentReplacedBySymlinkToVictim_WritesNothingOutsideTheOriginalDirectory() => RaceAsync(RacerMode.Symlink);

    private async Task RaceAsync(RacerMode mode)
    {
        using var arena = new RaceArena(attacker);
        arena.WriteInDirectory([("ld.so.preload", Content)]);
        arena.WriteInVictim([("passwd", Encoding.ASCII.GetBytes("root:x:0:0::/root:/bin/sh\n"))]);
        var vault = new QuarantineVault(new QuarantineVaultOptions { Directory = Path.Combine(arena.Agent, "vault") }, TestKeys.Tenant.PublicKey, TimeProvider.System);
        var item = await vault.QuarantineAsync(arena.InDirectory("ld.so.preload"), new QuarantineDetection("Test.Race"), CancellationToken.None);
        var dataKey = QuarantineKeys.UnwrapDataKey(vault.ReadWrappedDataKey(item.Id), TestKeys.Tenant);
        var victimBefore = arena.SnapshotVictim();

        var restored = 0;
        var refused = 0;
        var clock = Stopwatch.StartNew();
        long swaps;
        using (var racer = Racer.Start(attacker, mode, arena.Directory, mode == RacerMode.Exchange ? arena.Link : arena.Victim))
        {
            for (var attempt = 0; attempt < Attempts && clock.Elapsed < Budget; attempt++)
            {
                // Each attempt restores to a new name: the original name would exist after the first success.
                try
                {
                    await vault.RestoreWithDataKeyAsync(item.Id, dataKey, arena.InDirectory($"ld.so.preload.{attempt}"), overwrite: false, CancellationToken.None);
                    restored++;
                }
                catch (QuarantineException)
                {
                    refused++;
                }
            }
            swaps = racer.Stop();
        }
        clock.Stop();
        output.WriteLine($"{mode}: {restored + refused} restores in {clock.Elapsed.TotalSeconds:F1} s ({restored} written, {refused} refused), {swaps} swaps by uid {attacker.UserId}");

        EntryDiff.AssertSame("victim directory", victimBefore, arena.SnapshotVictim());
        Assert.Empty(arena.Strays());
        var original = arena.SnapshotOriginal();
        Assert.Equal(restored, original.Keys.Count(name => name.StartsWith("ld.so.preload.", StringComparison.Ordinal)));
        Assert.Equal(restored, original.Count);
        Assert.Equal(Attempts, restored + refused);
        Assert.True(restored > 0, "no restore succeeded: the test proves nothing");
        Assert.True(swaps > 0, "the racer never swapped the directory");
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Events;
using Lightshield.Agent.Storage;
using Lightshield.Agent.Tests.Quarantine;
using Lightshield.Protocol.Policies;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>A local user's files were found infected; while root quarantines or deletes them, the user keeps swapping
/// their directory for a symbolic link to <c>/etc</c> (here <c>victim/</c>, holding files of the same names):
/// nothing outside the original directory may be removed, and nothing of the victim may be read into the vault.</summary>
[Collection(AdversarialCollection.Name)]
public sealed class QuarantineAdversarialTests(AttackerUser attacker, ITestOutputHelper output)
{
    /// <summary>Quarantines per test. Deletes are cheaper and their window (between two system calls of the old code) is
    /// narrower, so a delete test makes twice as many attempts.</summary>
    private const int Attempts = 10_000;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(14);

    [AdversarialFact]
    public Task Quarantine_ParentExchangedWithSymlinkToVictim_RemovesAndReadsNothingOutsideTheOriginalDirectory() =>
        RaceAsync(DetectionAction.Quarantine, RacerMode.Exchange, "quarantined", Attempts);

    [AdversarialFact]
    public Task Quarantine_ParentReplacedBySymlinkToVictim_RemovesAndReadsNothingOutsideTheOriginalDirectory() =>
        RaceAsync(DetectionAction.Quarantine, RacerMode.Symlink, "quarantined", Attempts);

    [AdversarialFact]
    public Task Delete_ParentExchangedWithSymlinkToVictim_RemovesNothingOutsideTheOriginalDirectory() =>
        RaceAsync(DetectionAction.Delete, RacerMode.Exchange, "deleted", 2 * Attempts);

    [AdversarialFact]
    public Task Delete_ParentReplacedBySymlinkToVictim_RemovesNothingOutsideTheOriginalDirectory() =>
        RaceAsync(DetectionAction.Delete, RacerMode.Symlink, "deleted", 2 * Attempts);

    private async Task RaceAsync(DetectionAction action, RacerMode mode, string done, int attempts)
    {
        using var arena = new RaceArena(attacker);
        var names = Enumerable.Range(0, attempts).Select(index => $"shadow{index}").ToArray();
        var contents = names.Select(name => Encoding.ASCII.GetBytes($"infected {name}\n")).ToArray();
        arena.WriteInDirectory(names.Zip(contents));
        arena.WriteInVictim(names.Select(name => (name, Encoding.ASCII.GetBytes($"root:secret:{name}\n"))));
        var detected = names.Select(name => new DetectedFile(arena.InDirectory(name), DetectedFile.CurrentIdentity(arena.InDirectory(name))!.Value,
            ["Test.Race"], null, null, "on-demand")).ToArray();
        var actions = CreateActions(arena);
        var victimBefore = arena.SnapshotVictim();
        var originalBefore = arena.SnapshotOriginal();

        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var acted = new List<string>();
        var clock = Stopwatch.StartNew();
        long swaps;
        using (var racer = Racer.Start(attacker, mode, arena.Directory, mode == RacerMode.Exchange ? arena.Link : arena.Victim))
        {
            for (var attempt = 0; attempt < attempts && clock.Elapsed < Budget; attempt++)
            {
                var taken = await actions.ApplyAsync(detected[attempt], action, CancellationToken.None);
                outcomes[taken] = outcomes.GetValueOrDefault(taken) + 1;
                if (taken == done)
                {
                    acted.Add(names[attempt]);
                }
            }
            swaps = racer.Stop();
        }
        clock.Stop();
        output.WriteLine($"{action} / {mode}: {outcomes.Values.Sum()} attempts in {clock.Elapsed.TotalSeconds:F1} s "
            + $"({string.Join(", ", outcomes.Select(pair => $"{pair.Value} {pair.Key}"))}), {swaps} swaps by uid {attacker.UserId}");

        EntryDiff.AssertSame("victim directory", victimBefore, arena.SnapshotVictim());
        Assert.Empty(arena.Strays());
        var expected = originalBefore.Where(pair => !acted.Contains(pair.Key)).ToDictionary(StringComparer.Ordinal);
        EntryDiff.AssertSame("original directory (beyond the files acted on)", expected, arena.SnapshotOriginal());
        if (action == DetectionAction.Quarantine)
        {
            var hashes = contents.Select(content => Convert.ToHexStringLower(SHA256.HashData(content))).ToHashSet(StringComparer.Ordinal);
            var items = new QuarantineStore(actions.VaultDirectory).List();
            Assert.Equal(acted.Count, items.Count);
            Assert.All(items, item => Assert.Contains(item.Sha256, hashes));
        }
        Assert.Equal(attempts, outcomes.Values.Sum());
        Assert.True(acted.Count > 0, $"nothing was {done}: the test proves nothing");
        Assert.True(swaps > 0, "the racer never swapped the directory");
    }

    private static DetectionActions CreateActions(RaceArena arena)
    {
        var keyFile = Path.Combine(arena.Agent, "tenant.pem");
        File.WriteAllText(keyFile, QuarantineKeys.ExportPublicKeyPem(TestKeys.Tenant.PublicKey));
        var agent = new AgentOptions { StateDirectory = arena.Agent };
        var options = new ActionOptions { QuarantinePublicKeyFile = keyFile, AgentId = "agent-race" };
        return new DetectionActions(Options.Create(options), Options.Create(agent), new EffectivePolicy(agent, options),
            new EventOutbox(new AgentDatabase(Path.Combine(arena.Agent, "agent.db")), TimeProvider.System), TimeProvider.System,
            NullLogger<DetectionActions>.Instance);
    }
}

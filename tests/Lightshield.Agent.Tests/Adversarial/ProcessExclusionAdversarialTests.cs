using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Tests.OnAccess;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>On-access protection excludes <c>cat</c> (configured both as a name and as <c>/usr/bin/cat</c>); a local
/// user must not gain that exclusion by naming their own process <c>cat</c> (<c>prctl(PR_SET_NAME)</c>) nor by running
/// a copy of the binary under that name. Every decision here denies, so an excluded open is one that succeeds.</summary>
[Collection(AdversarialCollection.Name)]
public sealed class ProcessExclusionAdversarialTests(AttackerUser attacker) : IDisposable
{
    private const string Content = "infected content";
    private readonly TmpfsMount _mount = new();
    private readonly string _attackerDirectory = Directory.CreateTempSubdirectory("lightshield-exclusion-").FullName;

    public void Dispose()
    {
        _mount.Dispose();
        Directory.Delete(_attackerDirectory, recursive: true);
    }

    [AdversarialFact]
    public async Task Open_ByAProcessNamedLikeTheExcludedOne_IsStillDecided()
    {
        var file = _mount.WriteFile("data/file.txt", Content);
        await using var guard = StartGuard();

        // 100 opens by a python process that calls itself "cat".
        var spoofed = await RunAsAttackerAsync(Racer.Python, "-c", """
            import ctypes, sys
            ctypes.CDLL(None).prctl(15, b"cat", 0, 0, 0)
            assert open("/proc/self/comm").read().strip() == "cat"
            opened = 0
            for _ in range(100):
                try:
                    with open(sys.argv[1]) as f:
                        f.read()
                    opened += 1
                except PermissionError:
                    pass
            print(opened)
            """, file);

        Assert.True(spoofed.ExitCode == 0, spoofed.StandardError);
        Assert.Equal("0", spoofed.StandardOutput.Trim());
        await AssertRealCatIsExcludedAsync(file);
    }

    [AdversarialFact]
    public async Task Open_ByACopyOfTheExcludedExecutable_IsStillDecided()
    {
        var file = _mount.WriteFile("data/file.txt", Content);
        var copies = Path.Combine(_attackerDirectory, "bin");
        Directory.CreateDirectory(copies);
        var copy = Path.Combine(copies, "cat");
        File.Copy("/usr/bin/cat", copy);
        Assert.Equal(0, ChildProcess.Run("chown", "-R", $"{attacker.UserId}:{attacker.GroupId}", _attackerDirectory).ExitCode);
        Assert.Equal(0, ChildProcess.Run("chmod", "755", _attackerDirectory).ExitCode);
        await using var guard = StartGuard();

        var copied = await RunAsAttackerAsync(copy, file);

        Assert.NotEqual(0, copied.ExitCode);
        Assert.DoesNotContain(Content, copied.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", copied.StandardError, StringComparison.Ordinal);
        await AssertRealCatIsExcludedAsync(file);
    }

    /// <summary>The control: the real <c>/usr/bin/cat</c>, run by the same user, is excluded.</summary>
    private async Task AssertRealCatIsExcludedAsync(string file)
    {
        var real = await RunAsAttackerAsync("/usr/bin/cat", file);
        Assert.True(real.ExitCode == 0, real.StandardError);
        Assert.Equal(Content, real.StandardOutput);
    }

    private FanotifyGuard StartGuard()
    {
        var guard = new FanotifyGuard(new OnAccessOptions { ProtectedPaths = [_mount.Root], ExcludedProcesses = ["cat", "/usr/bin/cat"] },
            NullLogger<FanotifyGuard>.Instance);
        guard.Start((_, _) => ValueTask.FromResult(AccessDecision.Deny), null);
        Assert.True(guard.IsRunning);
        return guard;
    }

    private Task<ChildResult> RunAsAttackerAsync(string program, params string[] arguments) =>
        ChildProcess.RunAsync(Racer.Setpriv, [$"--reuid={attacker.UserId}", $"--regid={attacker.GroupId}", "--clear-groups", "--no-new-privs", "--",
            program, .. arguments]);
}

using System.Collections.Concurrent;
using Lightshield.Agent.OnAccess;
using Lightshield.Agent.Tests.OnAccess;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>A local user makes a user namespace of their own (no privilege needed), bind-mounts a protected directory
/// somewhere else in it, and opens a file through that second name: outside every protected path, or inside an excluded
/// one. The agent must see the open and judge the file by its path in the agent's own mounts.</summary>
[Collection(AdversarialCollection.Name)]
public sealed class OnAccessMountAliasAdversarialTests(AttackerUser attacker) : IDisposable
{
    private const string Content = "protected content\n";

    private readonly TmpfsMount _mount = new();
    private readonly RecordingLogger<FanotifyGuard> _logger = new();
    private readonly string _alias = Directory.CreateTempSubdirectory("lightshield-alias-").FullName;
    private readonly ConcurrentQueue<string> _judged = new();

    public void Dispose()
    {
        _mount.Dispose();
        Directory.Delete(_alias, recursive: true);
    }

    [AdversarialFact]
    public async Task Open_ThroughABindMountInTheUsersOwnNamespace_IsJudgedByTheProtectedPath()
    {
        var file = ProtectedFile();
        await using var guard = StartGuard(OnAccessMarkScope.Filesystem, excludedPaths: []);

        var result = await OpenThroughAliasAsync();

        Assert.True(result.StandardError.Contains("Operation not permitted", StringComparison.Ordinal),
            $"exit {result.ExitCode}, out '{result.StandardOutput}', err '{result.StandardError}', judged [{string.Join(", ", _judged)}] stats {guard.Statistics}, log [{string.Join(" | ", _logger.Entries.Select(e => e.Message))}]");
        Assert.DoesNotContain(Content.Trim(), result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(file, _judged);
        Assert.DoesNotContain(_judged, path => path.StartsWith(_alias, StringComparison.Ordinal));
    }

    [AdversarialFact]
    public async Task Open_ThroughABindMountOntoAnExcludedPath_GainsNoExclusion()
    {
        var file = ProtectedFile();
        await using var guard = StartGuard(OnAccessMarkScope.Filesystem, excludedPaths: [_alias + "/**"]);

        var result = await OpenThroughAliasAsync();

        Assert.Contains("Operation not permitted", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(file, _judged);
    }

    /// <summary>What the test above defends against: with mount marks only, the same open is never seen.</summary>
    [AdversarialFact]
    public async Task Open_ThroughABindMount_WithMountMarksOnly_IsNotSeen()
    {
        ProtectedFile();
        await using var guard = StartGuard(OnAccessMarkScope.Mount, excludedPaths: []);

        var result = await OpenThroughAliasAsync();

        Assert.True(result.ExitCode == 0, $"the attacker's namespace failed ({result.ExitCode}): {result.StandardError}");
        Assert.Contains(Content.Trim(), result.StandardOutput, StringComparison.Ordinal);
        Assert.Empty(_judged);
    }

    private string ProtectedFile()
    {
        var file = _mount.WriteFile("protected/secret.txt", Content);
        File.SetUnixFileMode(Path.GetDirectoryName(file)!, (UnixFileMode)0b111_101_101);
        return file;
    }

    /// <summary>As the attacker: a new user and mount namespace, the protected directory bind-mounted on the alias,
    /// the file read through the alias.</summary>
    private Task<ChildResult> OpenThroughAliasAsync() =>
        ChildProcess.RunAsync(Racer.Setpriv, [$"--reuid={attacker.UserId}", $"--regid={attacker.GroupId}", "--clear-groups", "--",
            "unshare", "--user", "--map-root-user", "--mount", "--propagation", "private", "sh", "-c",
            "mount --bind \"$1\" \"$2\" && cat \"$2/secret.txt\"", "attacker", Path.Combine(_mount.Root, "protected"), _alias]);

    /// <summary>A guard on the tmpfs that denies every open it is asked about and records the path it was given.</summary>
    private FanotifyGuard StartGuard(OnAccessMarkScope scope, string[] excludedPaths)
    {
        var guard = new FanotifyGuard(new OnAccessOptions
        {
            ProtectedPaths = [Path.Combine(_mount.Root, "protected")],
            ExcludedPaths = excludedPaths,
            MarkScope = scope,
            ScanAfterCloseWrite = false,
        }, _logger);
        guard.Start((request, _) =>
        {
            _judged.Enqueue(request.Path);
            return ValueTask.FromResult(AccessDecision.Deny);
        });
        Assert.True(guard.IsRunning);
        return guard;
    }
}

using Lightshield.Agent.Tests.Support;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Native;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Agent.Tests.Quarantine;

/// <summary>Where root puts a restored file back: never through a symbolic link, never into a directory that another
/// user owns or that every user can write (unless sticky).</summary>
public sealed class RestoreTargetTests : IDisposable
{
    private const uint Owner = 1234;
    private const uint Group = 2345;
    private readonly QuarantineWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [RootFact]
    public async Task Restore_DirectoryOfTheOwner_RestoresOwnerAndContent()
    {
        var directory = MakeDirectory("own", "755", $"{Owner}:{Group}");

        var restored = await RestoreIntoAsync(directory);

        Assert.Equal((Owner, Group), (restored.UserId, restored.GroupId));
    }

    [RootFact]
    public async Task Restore_StickyDirectoryEveryoneWrites_Restores()
    {
        var directory = MakeDirectory("tmp", "1777", "0:0");

        Assert.True((await RestoreIntoAsync(directory)).IsRegularFile);
    }

    [RootFact]
    public async Task Restore_DirectoryOfAnotherUser_IsRefusedAndWritesNothing()
    {
        var directory = MakeDirectory("other", "755", $"4321:{Group}");

        var exception = await Assert.ThrowsAsync<QuarantineException>(() => RestoreIntoAsync(directory));

        Assert.Contains("belongs to uid 4321", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    [RootFact]
    public async Task Restore_DirectoryEveryoneWritesWithoutStickyBit_IsRefusedAndWritesNothing()
    {
        var directory = MakeDirectory("open", "777", "0:0");

        var exception = await Assert.ThrowsAsync<QuarantineException>(() => RestoreIntoAsync(directory));

        Assert.Contains("writable by every user", exception.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
    }

    [RootFact]
    public async Task Restore_PathThroughASymbolicLink_IsRefusedAndWritesNothingAtTheLinkTarget()
    {
        var real = MakeDirectory("real", "755", "0:0");
        var link = Path.Combine(_workspace.Root, "link");
        File.CreateSymbolicLink(link, real);

        var exception = await Assert.ThrowsAsync<QuarantineException>(() => RestoreIntoAsync(link));

        Assert.True(exception.Message.Contains("symbolic link", StringComparison.Ordinal), exception.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(real));
    }

    private string MakeDirectory(string name, string mode, string owner)
    {
        var path = Path.Combine(_workspace.Root, name);
        Directory.CreateDirectory(path);
        QuarantineWorkspace.Run("chown", owner, path);
        QuarantineWorkspace.Run("chmod", mode, path);
        return path;
    }

    /// <summary>Quarantines a file of uid 1234, gid 2345 and restores it into <paramref name="directory"/>.</summary>
    private async Task<FileStatus> RestoreIntoAsync(string directory)
    {
        var path = _workspace.WriteEicar();
        QuarantineWorkspace.Run("chown", $"{Owner}:{Group}", path);
        var vault = _workspace.CreateVault();
        var item = await vault.QuarantineAsync(path, new QuarantineDetection("Eicar-Signature"), CancellationToken.None);
        var target = Path.Combine(directory, "restored.com");
        await vault.RestoreAsync(item.Id, TestKeys.Tenant, target, overwrite: false, CancellationToken.None);
        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(target));
        return UnixCalls.TryStatus(target)!.Value;
    }
}

using System.Diagnostics;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Agent.Tests.Quarantine;

/// <summary>When the item cannot be written, or the file is not a plain regular file, the original stays.</summary>
public sealed class QuarantineFailureTests : IDisposable
{
    private readonly QuarantineWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task QuarantineAsync_VaultOnReadOnlyDirectory_ThrowsAndKeepsOriginal()
    {
        var path = _workspace.WriteEicar();
        var vault = _workspace.CreateVault();
        if (QuarantineWorkspace.IsRoot)
        {
            _workspace.MountTmpfs(_workspace.VaultDirectory, "ro,size=64k"); // root ignores permission bits, not a read-only mount
        }
        else
        {
            File.SetUnixFileMode(_workspace.VaultDirectory, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        var exception = await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.QuarantineAsync(path, new QuarantineDetection("Eicar-Signature"), CancellationToken.None));

        Assert.Contains("left in place", exception.Message, StringComparison.Ordinal);
        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(path));
        Assert.Empty(vault.List());
    }

    [Fact]
    public async Task QuarantineAsync_VaultFillsUpMidWrite_ThrowsKeepsOriginalAndLeavesNoPartialItem()
    {
        Assert.True(QuarantineWorkspace.IsRoot, "this test mounts a 256 KiB tmpfs and must run as root (as the agent and CI do)");
        _workspace.MountTmpfs(_workspace.VaultDirectory, "size=256k");
        var content = QuarantineWorkspace.RandomBytes(2 * 1024 * 1024);
        var path = _workspace.WriteFile("big.bin", content);
        var vault = _workspace.CreateVault(chunkSize: 64 * 1024);

        var exception = await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.QuarantineAsync(path, new QuarantineDetection("Test.Big"), CancellationToken.None));

        Assert.IsType<IOException>(exception.InnerException, exactMatch: false);
        Assert.Equal(content, await File.ReadAllBytesAsync(path));
        Assert.Empty(_workspace.VaultContents());
    }

    [Fact]
    public async Task QuarantineAsync_VaultDirectoryReplacedByAFile_ThrowsAndKeepsOriginal()
    {
        var path = _workspace.WriteEicar();
        var vault = _workspace.CreateVault();
        Directory.Delete(_workspace.VaultDirectory);
        await File.WriteAllTextAsync(_workspace.VaultDirectory, "not a directory");

        await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.QuarantineAsync(path, new QuarantineDetection("Eicar-Signature"), CancellationToken.None));

        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task QuarantineAsync_CancelledBeforeStart_KeepsOriginalAndLeavesNoPartialItem()
    {
        var path = _workspace.WriteFile("data.bin", QuarantineWorkspace.RandomBytes(100_000));
        var vault = _workspace.CreateVault();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            vault.QuarantineAsync(path, new QuarantineDetection("Test.Cancel"), new CancellationToken(canceled: true)));

        Assert.True(File.Exists(path));
        Assert.Empty(_workspace.VaultContents());
    }

    [Fact]
    public async Task QuarantineAsync_SymbolicLink_IsRefusedAndNeitherLinkNorTargetIsTouched()
    {
        var target = _workspace.WriteEicar();
        var link = Path.Combine(_workspace.FilesDirectory, "link.com");
        File.CreateSymbolicLink(link, target);
        var vault = _workspace.CreateVault();

        var exception = await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.QuarantineAsync(link, new QuarantineDetection("Eicar-Signature"), CancellationToken.None));

        Assert.Contains("symbolic link", exception.Message, StringComparison.Ordinal);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(target));
        Assert.Empty(_workspace.VaultContents());
    }

    [Fact]
    public async Task QuarantineAsync_DirectoryOfThePathIsASymbolicLink_IsRefusedAndLeavesTheFile()
    {
        var real = Path.Combine(_workspace.Root, "real");
        Directory.CreateDirectory(real);
        var path = Path.Combine(real, "eicar.com");
        await File.WriteAllTextAsync(path, QuarantineWorkspace.Eicar);
        var link = Path.Combine(_workspace.Root, "link");
        File.CreateSymbolicLink(link, real);
        var vault = _workspace.CreateVault();

        var exception = await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.QuarantineAsync(Path.Combine(link, "eicar.com"), new QuarantineDetection("Eicar-Signature"), CancellationToken.None));

        Assert.True(exception.Message.Contains("symbolic link", StringComparison.Ordinal), exception.Message);
        Assert.Equal(QuarantineWorkspace.Eicar, await File.ReadAllTextAsync(path));
        Assert.Empty(vault.List());
    }

    [Fact]
    public async Task QuarantineAsync_Fifo_IsRefusedWithoutBlocking()
    {
        var fifo = Path.Combine(_workspace.FilesDirectory, "pipe");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }
        var vault = _workspace.CreateVault();

        var exception = await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.QuarantineAsync(fifo, new QuarantineDetection("Test.Fifo"), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("FIFO", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuarantineAsync_Directory_IsRefused()
    {
        var vault = _workspace.CreateVault();

        var exception = await Assert.ThrowsAsync<QuarantineException>(() =>
            vault.QuarantineAsync(_workspace.FilesDirectory, new QuarantineDetection("Test.Directory"), CancellationToken.None));

        Assert.Contains("directory", exception.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(_workspace.FilesDirectory));
    }

    [Fact]
    public void Constructor_VaultPathIsASymbolicLink_IsRefused()
    {
        var real = Path.Combine(_workspace.Root, "elsewhere");
        Directory.CreateDirectory(real);
        File.CreateSymbolicLink(_workspace.VaultDirectory, real);

        var exception = Assert.Throws<QuarantineException>(() => _workspace.CreateVault());

        Assert.Contains("symbolic link", exception.Message, StringComparison.Ordinal);
    }
}

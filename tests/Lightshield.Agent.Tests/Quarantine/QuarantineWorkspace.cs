using System.Diagnostics;
using System.Text;
using Lightshield.Agent.Quarantine;
using Lightshield.Quarantine.Native;
using Microsoft.Extensions.Time.Testing;

namespace Lightshield.Agent.Tests.Quarantine;

/// <summary>A temporary directory with a vault and a directory of files to quarantine.</summary>
internal sealed class QuarantineWorkspace : IDisposable
{
    public const string Eicar = @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private readonly List<string> _mounts = [];

    public QuarantineWorkspace()
    {
        Root = Directory.CreateTempSubdirectory("lightshield-quarantine-test-").FullName;
        VaultDirectory = Path.Combine(Root, "vault");
        FilesDirectory = Path.Combine(Root, "files");
        Directory.CreateDirectory(FilesDirectory);
    }

    public string Root { get; }

    public string VaultDirectory { get; }

    public string FilesDirectory { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public static bool IsRoot => UnixCalls.IsRoot;

    public QuarantineVault CreateVault(int chunkSize = QuarantineVaultOptions.DefaultChunkSize, string? agentId = "agent-7") =>
        new(new QuarantineVaultOptions { Directory = VaultDirectory, ChunkSize = chunkSize, AgentId = agentId }, TestKeys.Tenant.PublicKey, Time);

    public string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(FilesDirectory, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteEicar(string name = "eicar.com") => WriteFile(name, Encoding.ASCII.GetBytes(Eicar));

    public static byte[] RandomBytes(int length) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(length);

    public string ItemPath(string id) => Path.Combine(VaultDirectory, id + ".lsq");

    /// <summary>Every file name and every byte under the vault directory.</summary>
    public IReadOnlyList<(string Name, byte[] Bytes)> VaultContents() =>
        [.. Directory.EnumerateFileSystemEntries(VaultDirectory, "*", SearchOption.AllDirectories)
            .Select(path => (path, File.Exists(path) ? File.ReadAllBytes(path) : []))];

    /// <summary>Mounts a tmpfs (root only) and remembers to unmount it.</summary>
    public void MountTmpfs(string path, string options)
    {
        Directory.CreateDirectory(path);
        Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
        _mounts.Add(path);
    }

    public static void Run(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed: {error}");
    }

    public void Dispose()
    {
        foreach (var mount in _mounts)
        {
            Run("umount", "-l", mount);
        }
        if (Directory.Exists(VaultDirectory) && !IsRoot)
        {
            File.SetUnixFileMode(VaultDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Directory.Delete(Root, recursive: true);
    }
}

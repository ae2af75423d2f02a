using System.Security.Cryptography;
using Lightshield.Agent.Tests.OnAccess;
using Lightshield.Quarantine.Native;

namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>A private tmpfs laid out for a race: <c>home/</c> and <c>home/d/</c> belong to the attacker
/// (<c>home/d</c> is where the agent works: the original location), <c>home/swap</c> is a symbolic link to
/// <c>victim/</c>, a root-owned directory standing in for <c>/etc</c>, and <c>agent/</c> (root, 0700) holds the
/// agent's vault and state. The real <c>/etc</c> is never touched.</summary>
internal sealed class RaceArena : IDisposable
{
    public RaceArena(AttackerUser user)
    {
        Root = System.IO.Directory.CreateTempSubdirectory("lightshield-race-").FullName;
        Must(ChildProcess.Run("mount", "-t", "tmpfs", "-o", "size=512m,mode=0755", "tmpfs", Root), "mount a tmpfs");
        Home = Path.Combine(Root, "home");
        Directory = Path.Combine(Home, "d");
        Link = Path.Combine(Home, "swap");
        Victim = Path.Combine(Root, "victim");
        Agent = Path.Combine(Root, "agent");
        System.IO.Directory.CreateDirectory(Directory);
        System.IO.Directory.CreateDirectory(Victim);
        System.IO.Directory.CreateDirectory(Agent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Link, Victim);
        Owner = user;
        Must(ChildProcess.Run("chown", "-h", $"{user.UserId}:{user.GroupId}", Home, Directory, Link), "chown the attacker's directories");
        DirectoryInode = UnixCalls.TryStatus(Directory)!.Value.Inode;
    }

    public string Root { get; }

    /// <summary>The attacker's directory, holding <see cref="Directory"/> and <see cref="Link"/>.</summary>
    public string Home { get; }

    /// <summary>The original location, as the agent names it: <c>home/d</c>.</summary>
    public string Directory { get; }

    /// <summary><c>home/swap</c>, a symbolic link to <see cref="Victim"/>.</summary>
    public string Link { get; }

    /// <summary>The directory standing in for <c>/etc</c>.</summary>
    public string Victim { get; }

    /// <summary>Root's own directory for the vault and the agent's database.</summary>
    public string Agent { get; }

    public AttackerUser Owner { get; }

    private ulong DirectoryInode { get; }

    public string InDirectory(string name) => Path.Combine(Directory, name);

    /// <summary>Writes files into the original location (before the race starts), owned by the attacker.</summary>
    public void WriteInDirectory(IEnumerable<(string Name, byte[] Content)> files)
    {
        foreach (var (name, content) in files)
        {
            File.WriteAllBytes(InDirectory(name), content);
        }
        Must(ChildProcess.Run("chown", "-R", $"{Owner.UserId}:{Owner.GroupId}", Directory), "chown the attacker's files");
    }

    /// <summary>Writes root-owned files into the victim directory.</summary>
    public void WriteInVictim(IEnumerable<(string Name, byte[] Content)> files)
    {
        foreach (var (name, content) in files)
        {
            File.WriteAllBytes(Path.Combine(Victim, name), content);
        }
    }

    /// <summary>Every entry of the victim directory: name → inode, owner and content hash.</summary>
    public IReadOnlyDictionary<string, string> SnapshotVictim() => Snapshot(Victim);

    /// <summary>Every entry of the original directory (found by its inode, wherever the attacker left it).</summary>
    public IReadOnlyDictionary<string, string> SnapshotOriginal() => Snapshot(RealDirectory());

    /// <summary>The original directory after the race: the real directory with its first inode, under whichever of
    /// its names the racer stopped.</summary>
    public string RealDirectory()
    {
        foreach (var candidate in new[] { Directory, Link, Directory + ".away" })
        {
            if (UnixCalls.TryStatus(candidate) is { IsDirectory: true } status && status.Inode == DirectoryInode)
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"the original directory (inode {DirectoryInode}) is gone from {Home}");
    }

    /// <summary>Entries anywhere under the arena that are none of the known places: a file written elsewhere.
    /// Symbolic links are listed, never followed.</summary>
    public IReadOnlyList<string> Strays()
    {
        var real = RealDirectory();
        var known = new HashSet<string>(StringComparer.Ordinal) { Home, Victim, Agent, Directory, Link, Directory + ".away" };
        return [.. Walk(Root).Where(path => !known.Contains(path)
            && !path.StartsWith(real + "/", StringComparison.Ordinal)
            && !path.StartsWith(Victim + "/", StringComparison.Ordinal)
            && !path.StartsWith(Agent + "/", StringComparison.Ordinal))];
    }

    private static IEnumerable<string> Walk(string directory)
    {
        foreach (var path in System.IO.Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { AttributesToSkip = 0 }))
        {
            yield return path;
            if (UnixCalls.TryStatus(path) is { IsDirectory: true })
            {
                foreach (var inner in Walk(path))
                {
                    yield return inner;
                }
            }
        }
    }

    private static Dictionary<string, string> Snapshot(string directory) =>
        System.IO.Directory.EnumerateFileSystemEntries(directory).ToDictionary(
            path => Path.GetFileName(path),
            path =>
            {
                var status = UnixCalls.TryStatus(path)!.Value;
                var hash = status.IsRegularFile ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))) : status.TypeName;
                return $"{status.Inode} {status.UserId}:{status.GroupId} {status.Mode:x} {hash}";
            },
            StringComparer.Ordinal);

    private static void Must(ChildResult result, string what) =>
        Assert.True(result.ExitCode == 0, $"could not {what}: {result.StandardError}");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ChildProcess.Run("umount", Root).ExitCode != 0)
        {
            ChildProcess.Run("umount", "-l", Root);
        }
        System.IO.Directory.Delete(Root, recursive: true);
    }
}

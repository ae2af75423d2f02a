namespace Lightshield.Agent.Tests.OnAccess;

/// <summary>A fresh 16 MiB tmpfs mounted on a temporary directory, so a test's fanotify mount mark affects no other
/// process on the machine. Needs root.</summary>
internal sealed class TmpfsMount : IDisposable
{
    public TmpfsMount()
    {
        Root = Directory.CreateTempSubdirectory("lightshield-onaccess-").FullName;
        var mounted = ChildProcess.Run("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", Root);
        if (mounted.ExitCode != 0)
        {
            Directory.Delete(Root);
            throw new InvalidOperationException(
                $"On-access tests need root to mount a tmpfs on {Root}: mount exited {mounted.ExitCode}: {mounted.StandardError}");
        }
    }

    public string Root { get; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> (creating directories) and returns
    /// the full path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        if (ChildProcess.Run("umount", Root).ExitCode != 0)
        {
            ChildProcess.Run("umount", "-l", Root);
        }
        Directory.Delete(Root, recursive: true);
    }
}

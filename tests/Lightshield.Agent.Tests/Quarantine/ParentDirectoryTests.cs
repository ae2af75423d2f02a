using Lightshield.Quarantine.Native;

namespace Lightshield.Agent.Tests.Quarantine;

/// <summary>The walk from <c>/</c> that quarantine, delete and restore start with, with openat2 and as on a kernel
/// without it: a real directory opens, a symbolic link anywhere on the way is refused.</summary>
public sealed class ParentDirectoryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("lightshield-walk-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<bool> Walks => new() { true, false };

    [Theory]
    [MemberData(nameof(Walks))]
    public void Open_RealDirectories_OpensTheParentAndNamesTheEntry(bool openat2)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "a", "b")).FullName;
        File.WriteAllText(Path.Combine(directory, "file"), "x");

        using var parent = Open(Path.Combine(directory, "file"), openat2, out var name);

        Assert.Equal("file", name);
        Assert.Equal(directory, parent.Path);
        Assert.True(parent.TryStatus(name) is { IsRegularFile: true });
        Assert.Equal(UnixCalls.TryStatus(directory)!.Value.Inode, parent.Status().Inode);
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void Open_LinkInTheMiddleOrAtTheEnd_IsRefused(bool openat2)
    {
        var real = Directory.CreateDirectory(Path.Combine(_root, "real", "inner")).FullName;
        File.CreateSymbolicLink(Path.Combine(_root, "middle"), Path.Combine(_root, "real"));
        File.CreateSymbolicLink(Path.Combine(_root, "end"), real);

        var middle = Assert.ThrowsAny<IOException>(() => Open(Path.Combine(_root, "middle", "inner", "file"), openat2, out _));
        var end = Assert.ThrowsAny<IOException>(() => Open(Path.Combine(_root, "end", "file"), openat2, out _));

        Assert.True(middle.Message.Contains("symbolic link", StringComparison.Ordinal), middle.Message);
        Assert.True(end.Message.Contains("symbolic link", StringComparison.Ordinal), end.Message);
    }

    [Theory]
    [MemberData(nameof(Walks))]
    public void Open_FileInTheRootDirectory_OpensRoot(bool openat2)
    {
        using var parent = Open("/lightshield-no-such-file", openat2, out var name);

        Assert.Equal("lightshield-no-such-file", name);
        Assert.Equal(UnixCalls.TryStatus("/")!.Value.Inode, parent.Status().Inode);
    }

    private static ParentDirectory Open(string path, bool openat2, out string name) =>
        openat2 ? ParentDirectory.Open(path, out name) : ParentDirectory.OpenByComponents(path, out name);
}

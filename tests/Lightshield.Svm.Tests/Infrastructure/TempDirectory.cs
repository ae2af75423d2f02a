namespace Lightshield.Svm.Tests.Infrastructure;

internal sealed class TempDirectory : IDisposable
{
    /// <summary>A new directory, readable by others (0755): signature databases in it are read by the scan worker, which
    /// runs as an unprivileged user when the tests run as root.</summary>
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("lightshield-test-").FullName;
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

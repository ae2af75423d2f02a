namespace Lightshield.Center.Tests.Console;

/// <summary>Where the browser tests write their screenshots: the folder named by <see cref="Variable"/> when it is set
/// (<c>scripts/screenshots.sh</c> points it at the repository's <c>docs/screenshots</c> to refresh the README's
/// pictures), otherwise <c>screenshots/</c> beside the test binary, which git ignores: a test run leaves the
/// repository as it found it.</summary>
internal static class Screenshots
{
    public const string Variable = "LIGHTSHIELD_SCREENSHOTS";

    public static string Directory { get; } = System.IO.Directory.CreateDirectory(
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } chosen
            ? Path.GetFullPath(chosen)
            : Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
}

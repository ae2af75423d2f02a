using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lightshield.Cli.Scanning;

namespace Lightshield.Cli.Tests;

public sealed class ScanCommandTests : IDisposable
{
    private const string TestFiles = "/usr/share/clamav-testfiles";
    private readonly string _work = Directory.CreateTempSubdirectory("lightshield-cli-test-").FullName;

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public async Task Scan_ClamavTestfilesWithHashSignatureOfClamExe_ReportsExactlyClamscansInfectedSet()
    {
        var database = Path.Combine(_work, "db");
        Directory.CreateDirectory(database);
        var clamExe = await File.ReadAllBytesAsync(Path.Combine(TestFiles, "clam.exe"));
        await File.WriteAllTextAsync(Path.Combine(database, "clam.hsb"),
            $"{Convert.ToHexStringLower(SHA256.HashData(clamExe))}:{clamExe.Length}:Lightshield.Test.ClamExe\n");

        var (exitCode, output) = await ScanAsync(["--json"], database, TestFiles);
        var ours = InfectedPaths(output);

        var clamscan = await RunClamscanAsync(database, TestFiles);
        Assert.Equal(1, clamscan.ExitCode);
        var theirs = clamscan.Output.Split('\n').Where(l => l.EndsWith(" FOUND", StringComparison.Ordinal))
            .Select(l => l[..l.LastIndexOf(": ", StringComparison.Ordinal)]).ToHashSet();

        Assert.True(theirs.Count > 20, $"clamscan found only {theirs.Count} files; the corpus is not what this test expects");
        Assert.Equal(theirs.Order(), ours.Order());
        Assert.Equal(ExitCodes.Found, exitCode);
    }

    [Fact]
    public async Task Scan_CleanDirectory_ExitsZeroWithOkLines()
    {
        var directory = Path.Combine(_work, "clean");
        Directory.CreateDirectory(Path.Combine(directory, "sub"));
        await File.WriteAllTextAsync(Path.Combine(directory, "a.txt"), "hello");
        await File.WriteAllTextAsync(Path.Combine(directory, "sub", "b.txt"), "world");
        await File.WriteAllBytesAsync(Path.Combine(directory, "empty"), []);

        var (exitCode, output) = await ScanAsync([], null, directory);

        Assert.Equal(ExitCodes.Clean, exitCode);
        Assert.Contains($"{Path.Combine(directory, "a.txt")}: OK", output, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(directory, "sub", "b.txt")}: OK", output, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine(directory, "empty")}: Empty file", output, StringComparison.Ordinal);
        Assert.Contains("Scanned files: 3", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_EicarWithStarterDatabase_PrintsFoundLineAndExitsOne()
    {
        var eicar = Path.Combine(_work, "eicar.com");
        await File.WriteAllTextAsync(eicar, @"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

        var (exitCode, output) = await ScanAsync(["--infected"], null, eicar);

        Assert.Equal(ExitCodes.Found, exitCode);
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(eicar)}: .*EICAR.* FOUND$",
            output.Split('\n')[0].TrimEnd());
        Assert.Contains("Infected files: 1", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_DirectoryWithFifo_SkipsTheFifoInsteadOfBlocking()
    {
        var directory = Path.Combine(_work, "special");
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "regular.txt"), "text");
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(directory, "pipe"))!)
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        var (exitCode, output) = await ScanAsync([], null, directory).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(ExitCodes.Clean, exitCode);
        Assert.Contains("Scanned files: 1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("pipe", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_MissingPath_ReportsErrorAndExitsTwo()
    {
        var missing = Path.Combine(_work, "does-not-exist");
        var (exitCode, output) = await ScanAsync([], null, missing);
        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Contains($"{missing}: no such file or directory ERROR", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_SameContentInManyFiles_SentToTheServerOnce()
    {
        var directory = Path.Combine(_work, "copies");
        Directory.CreateDirectory(directory);
        var content = RandomNumberGenerator.GetBytes(50_000);
        for (var i = 0; i < 20; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(directory, $"copy{i}.bin"), content);
        }

        var (exitCode, output) = await ScanAsync(["--json"], null, directory);

        Assert.Equal(ExitCodes.Clean, exitCode);
        using var document = JsonDocument.Parse(output);
        var summary = document.RootElement.GetProperty("summary");
        Assert.Equal(20, summary.GetProperty("files").GetInt32());
        Assert.Equal(50_000, summary.GetProperty("bytesUploaded").GetInt64());
    }

    private static async Task<(int ExitCode, string Output)> ScanAsync(string[] flags, string? database, params string[] paths)
    {
        var output = new StringWriter();
        var run = new ScanCommand.ScanRun(paths, null, null, database, new ScanPipelineOptions(),
            Json: flags.Contains("--json"), InfectedOnly: flags.Contains("--infected"), NoSummary: false);
        var exitCode = await ScanCommand.RunAsync(run, output, CancellationToken.None);
        return (exitCode, output.ToString());
    }

    private static HashSet<string> InfectedPaths(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.GetProperty("status").GetString() == "infected")
            .Select(f => f.GetProperty("path").GetString()!).ToHashSet();
    }

    private static async Task<(int ExitCode, string Output)> RunClamscanAsync(string database, string path)
    {
        var start = new ProcessStartInfo("clamscan", ["--no-summary", "--infected", "-d", database, "-r", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }
}

using System.Diagnostics;
using System.Text;

namespace Lightshield.Cli.Scanning;

/// <summary>
/// A scan server of this run only: <c>lightshield-svm</c> started as a child process, listening on a socket in a private
/// (0700) temporary directory, so no other user of the machine can reach it, and stopped (with its temporary state) when
/// the scan ends. What <c>lightshield scan</c> uses without <c>--server</c>: the same code path as a remote server.
/// </summary>
public sealed class PrivateScanServer : IAsyncDisposable
{
    /// <summary>Names the scan server's binary (<c>lightshield-svm</c> or its <c>.dll</c>) when it is not beside this CLI or on PATH.</summary>
    public const string LocationVariable = "LIGHTSHIELD_SVM";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string ReadyLine = "lightshield-svm ready ";
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _errors;

    private PrivateScanServer(Process process, string directory, StringBuilder errors, Uri address)
    {
        _process = process;
        _directory = directory;
        _errors = errors;
        Address = address;
    }

    /// <summary><c>unix:/tmp/lightshield-scan-XXXX/svm.sock</c>.</summary>
    public Uri Address { get; }

    public static async Task<PrivateScanServer> StartAsync(string? databaseDirectory, CancellationToken cancellationToken)
    {
        var start = Locate() ?? throw new InvalidOperationException(
            $"cannot find the scan server (lightshield-svm) beside this program, on PATH or in ${LocationVariable}; "
            + "install it, or give --server to scan through a running one");
        var directory = Directory.CreateTempSubdirectory("lightshield-scan-").FullName; // 0700
        var socket = Path.Combine(directory, "svm.sock");
        start.ArgumentList.Add($"--Svm:Listen=unix:{socket}");
        start.ArgumentList.Add("--Svm:OpsListen=");
        start.ArgumentList.Add("--Svm:WatchDatabase=false");
        start.ArgumentList.Add($"--Svm:DataDirectory={Path.Combine(directory, "data")}");
        start.ArgumentList.Add("--Logging:LogLevel:Default=Warning");
        if (databaseDirectory is not null)
        {
            start.ArgumentList.Add($"--Svm:DatabaseDirectory={Path.GetFullPath(databaseDirectory)}");
        }
        // This run's settings only: not a scan server configuration that happens to be in the environment.
        foreach (var variable in start.Environment.Keys.Where(k => k.StartsWith("LIGHTSHIELD_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(variable);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;

        var errors = new StringBuilder();
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        process.ErrorDataReceived += (_, line) =>
        {
            lock (errors)
            {
                if (line.Data is not null && errors.Length < 8192)
                {
                    errors.AppendLine(line.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        var server = new PrivateScanServer(process, directory, errors, new Uri($"unix:{socket}"));
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The scan server prints one line once it listens; anything else on stdout is not expected and ignored.</summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith(ReadyLine, StringComparison.Ordinal))
                {
                    _ = DrainAsync(_process.StandardOutput);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the scan server did not start within {StartTimeout.TotalSeconds:0} s{Detail()}");
        }
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        throw new InvalidOperationException($"the scan server stopped at start (exit code {_process.ExitCode}){Detail()}");
    }

    private string Detail()
    {
        lock (_errors)
        {
            var text = _errors.ToString().Trim();
            return text.Length == 0 ? "" : ": " + text.Split('\n').Last(l => l.Trim().Length > 0).Trim();
        }
    }

    private static async Task DrainAsync(StreamReader output)
    {
        try
        {
            while (await output.ReadLineAsync().ConfigureAwait(false) is not null)
            {
            }
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // The process is gone.
        }
    }

    /// <summary>How to run the scan server: <c>$LIGHTSHIELD_SVM</c>, else the one beside this program, else <c>lightshield-svm</c>
    /// on PATH. A <c>.dll</c> runs under this process's own <c>dotnet</c>.</summary>
    internal static ProcessStartInfo? Locate()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable(LocationVariable) is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "lightshield-svm"));
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "lightshield-svm.dll"));
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "lightshield-svm")));
        var found = candidates.FirstOrDefault(File.Exists);
        if (found is null)
        {
            return null;
        }
        if (!found.EndsWith(".dll", StringComparison.Ordinal))
        {
            return new ProcessStartInfo(found);
        }
        var start = new ProcessStartInfo(Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet");
        start.ArgumentList.Add(found);
        return start;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the system's temporary directory is cleaned in time.
        }
    }
}

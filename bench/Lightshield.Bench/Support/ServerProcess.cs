using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Lightshield.BenchShared;
using Lightshield.Protocol.Transport;

namespace Lightshield.Bench.Support;

/// <summary>A scan server in its own process (<c>dotnet lightshield-svm.dll</c>, as deployed, with its own runtime
/// settings: Server GC), so that its CPU time can be told apart from the client's.</summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly DirectoryInfo _data;

    private ServerProcess(Process process, DirectoryInfo data, Uri address, string? fingerprint)
    {
        _process = process;
        _data = data;
        Address = address;
        Fingerprint = fingerprint;
    }

    public Uri Address { get; }

    public string? Fingerprint { get; }

    /// <summary>CPU seconds (user + system) the server process and its scan workers have used so far.</summary>
    public double CpuSeconds => ProcessTree.TreeCpuSeconds(_process.Id);

    public static async Task<ServerProcess> StartAsync(string databaseDirectory, bool tls, CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("lightshield-bench-svm-");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[
            Path.Combine(AppContext.BaseDirectory, "lightshield-svm.dll"), "--Svm:Listen=127.0.0.1:0", $"--Svm:Plaintext={!tls}",
            "--Svm:OpsListen=", "--Svm:WatchDatabase=false", $"--Svm:DataDirectory={data.FullName}", $"--Svm:DatabaseDirectory={databaseDirectory}",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Lightshield=Error"])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            if (ReadyLine().Match(line) is { Success: true } ready)
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep draining
                var fingerprint = ready.Groups["cert"].Success ? ready.Groups["cert"].Value : null;
                return new ServerProcess(process, data, new Uri(ready.Groups["grpc"].Value), fingerprint);
            }
        }
        await process.WaitForExitAsync(CancellationToken.None);
        data.Delete(recursive: true);
        throw new InvalidOperationException($"lightshield-svm exited with {process.ExitCode} before it was ready: {await stderr}");
    }

    public GrpcChannel OpenChannel() => GrpcChannels.Open(Address, Fingerprint);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _data.Delete(recursive: true);
    }

    [GeneratedRegex(@"ready grpc=(?<grpc>\S+)(?: ops=\S*)?(?: cert-sha256=(?<cert>[0-9a-f]+))?")]
    private static partial Regex ReadyLine();
}

using System.Diagnostics;
using System.Text.RegularExpressions;
using Grpc.Net.Client;
using Lightshield.Client;
using Lightshield.Protocol.Scan;
using Lightshield.Protocol.Transport;
using Lightshield.Testing;

namespace Lightshield.Svm.Tests.Infrastructure;

/// <summary>A scan server in its own process (<c>dotnet lightshield-svm.dll</c>), as deployed.</summary>
internal sealed partial class SvmProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _data;
    private readonly GrpcChannel _channel;

    private SvmProcess(Process process, TempDirectory data, Uri grpc, Uri ops)
    {
        _process = process;
        _data = data;
        GrpcAddress = grpc;
        OpsAddress = ops;
        _channel = GrpcChannels.Open(grpc);
        Client = new ScanServerClient(new ScanService.ScanServiceClient(_channel));
    }

    public Uri GrpcAddress { get; }

    public Uri OpsAddress { get; }

    public ScanServerClient Client { get; }

    public static async Task<SvmProcess> StartAsync(string databaseDirectory, params string[] settings)
    {
        var data = new TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lightshield-svm.dll"));
        foreach (var argument in (string[])[
            "--Svm:Listen=127.0.0.1:0", "--Svm:Plaintext=true", "--Svm:OpsListen=127.0.0.1:0",
            $"--Svm:DataDirectory={data.Path}", $"--Svm:DatabaseDirectory={databaseDirectory}", .. settings])
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var ready = ReadyLine().Match(line);
            if (ready.Success)
            {
                _ = DrainAsync(process.StandardOutput);
                return new SvmProcess(process, data, new Uri(ready.Groups["grpc"].Value), new Uri(ready.Groups["ops"].Value));
            }
        }
        await process.WaitForExitAsync(CancellationToken.None);
        data.Dispose();
        throw new InvalidOperationException($"lightshield-svm exited with {process.ExitCode} before it was ready: {await stderr}");
    }

    public async Task<string> MetricsAsync()
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(OpsAddress, "/metrics"));
    }

    /// <summary>Sum of a counter's samples in Prometheus text format (0 when absent: never incremented).</summary>
    public static long MetricValue(string metrics, string name) =>
        (long)MetricLine().Matches(metrics)
            .Where(m => m.Groups["name"].Value.StartsWith(name, StringComparison.Ordinal) && !m.Groups["name"].Value.Contains("_created", StringComparison.Ordinal))
            .Sum(m => double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture));

    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _data.Dispose();
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }

    [GeneratedRegex(@"^(?<name>[a-z_]+)(\{[^}]*\})? (?<value>[0-9.e+]+)", RegexOptions.Multiline)]
    private static partial Regex MetricLine();

    [GeneratedRegex(@"lightshield-svm ready grpc=(?<grpc>\S+) ops=(?<ops>\S+)")]
    private static partial Regex ReadyLine();
}

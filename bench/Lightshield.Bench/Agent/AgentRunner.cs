using System.Diagnostics;
using System.Globalization;

namespace Lightshield.Bench.Agent;

/// <summary>The real <c>lightshield-agent</c> (as built in <c>src/Lightshield.Agent/bin</c>) in its own process, with
/// extra environment variables (runtime settings) and command-line settings.</summary>
internal sealed class AgentRunner : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private AgentRunner(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public static AgentRunner Start(IEnumerable<string> settings, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Binary());
        foreach (var setting in settings)
        {
            start.ArgumentList.Add($"--{setting}");
        }
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        return new AgentRunner(Process.Start(start)!);
    }

    /// <summary>Waits until the agent wrote a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!Contains(text))
        {
            if (_process.HasExited || clock.Elapsed > timeout)
            {
                throw new InvalidOperationException($"the agent did not write '{text}' (exited: {_process.HasExited}):\n{string.Join('\n', Snapshot())}");
            }
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>VmRSS and VmHWM of the agent process, in bytes.</summary>
    public (long Rss, long HighWater) Memory()
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
        }
        return (rss, hwm);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    /// <summary>The agent as built in its own output folder, same configuration and framework as this program.</summary>
    public static string Binary()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var root = output;
        while (!File.Exists(Path.Combine(root.FullName, "Lightshield.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
        var binary = Path.Combine(root.FullName, "src", "Lightshield.Agent", "bin", configuration, framework, "lightshield-agent.dll");
        return File.Exists(binary) ? binary : throw new FileNotFoundException($"{binary} is missing: build the solution first", binary);
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    private bool Contains(string text)
    {
        lock (_output)
        {
            return _output.Exists(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    private string[] Snapshot()
    {
        lock (_output)
        {
            return [.. _output];
        }
    }
}

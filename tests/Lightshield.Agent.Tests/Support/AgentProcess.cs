using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lightshield.Agent.Tests.Support;

/// <summary>The real <c>lightshield-agent</c> in its own process, as deployed, configured by command-line settings;
/// its output is kept for the assertions' messages.</summary>
internal sealed class AgentProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();

    private AgentProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>What the agent wrote so far (stdout and stderr).</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>Starts the agent with <paramref name="settings"/> (<c>Section:Key=value</c>), inside the network namespace
    /// <paramref name="networkNamespace"/> when one is given (<c>ip netns exec</c> execs the agent: same process id).</summary>
    public static AgentProcess Start(IEnumerable<string> settings, string? networkNamespace = null)
    {
        var start = new ProcessStartInfo(networkNamespace is null ? "dotnet" : "ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (networkNamespace is not null)
        {
            foreach (var argument in new[] { "netns", "exec", networkNamespace, "dotnet" })
            {
                start.ArgumentList.Add(argument);
            }
        }
        start.ArgumentList.Add(Binary());
        foreach (var setting in settings)
        {
            start.ArgumentList.Add($"--{setting}");
        }
        return new AgentProcess(Process.Start(start)!);
    }

    /// <summary>Waits until the agent wrote a line containing <paramref name="text"/>; fails when it exited or the
    /// time ran out.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!_output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            Assert.False(Process.HasExited, $"the agent exited with {(Process.HasExited ? Process.ExitCode : 0)}:\n{Output}");
            Assert.True(deadline.Elapsed < timeout, $"the agent did not write '{text}' within {timeout}:\n{Output}");
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the agent as systemd does (SIGTERM), and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (Process.HasExited)
        {
            return;
        }
        using (var kill = Process.Start("kill", ["-TERM", Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await Process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Process.Kill(entireProcessTree: true);
            Assert.Fail($"the agent did not stop within 30 s of SIGTERM:\n{Output}");
        }
    }

    public void Kill()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }

    /// <summary>The agent as built in its own output folder (its dependencies differ from this test project's, so the
    /// copy beside the tests cannot run), same configuration as the tests.</summary>
    public static string Binary()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var root = testOutput;
        while (!File.Exists(Path.Combine(root.FullName, "Lightshield.slnx")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
        var binary = Path.Combine(root.FullName, "src", "Lightshield.Agent", "bin", configuration, framework, "lightshield-agent.dll");
        Assert.True(File.Exists(binary), $"{binary} is missing: build the solution first");
        return binary;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}

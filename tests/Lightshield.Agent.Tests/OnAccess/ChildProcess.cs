using System.Diagnostics;

namespace Lightshield.Agent.Tests.OnAccess;

/// <summary>Runs a program as a separate process (so the guard does not treat its opens as the agent's own).</summary>
internal static class ChildProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static ChildResult Run(string program, params string[] arguments) =>
        RunAsync(program, arguments).GetAwaiter().GetResult();

    /// <summary>Runs <paramref name="program"/> to its end (see <see cref="WaitAsync"/>); <paramref name="stdin"/>, when
    /// given, is written to its standard input, which is then closed.</summary>
    public static async Task<ChildResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, byte[]? stdin = null)
    {
        using var process = Start(program, arguments, redirectInput: stdin is not null);
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        return await WaitAsync(process, timeout ?? DefaultTimeout);
    }

    public static Process Start(string program, IEnumerable<string> arguments, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
    }

    /// <summary>Waits for the process; kills it and fails the test when it is still running after
    /// <paramref name="timeout"/> (a process left hanging by the guard).</summary>
    public static async Task<ChildResult> WaitAsync(Process process, TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{process.StartInfo.FileName} {string.Join(' ', process.StartInfo.ArgumentList)} still ran after {timeout}");
        }
        return new ChildResult(process.ExitCode, await output, await error, started.Elapsed);
    }
}

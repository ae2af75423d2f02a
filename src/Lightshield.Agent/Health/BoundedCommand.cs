using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Lightshield.Agent.Health;

/// <summary>The outcome of a <see cref="BoundedCommand"/>: null output when the program is missing, failed to start or
/// ran out of time.</summary>
public sealed record CommandResult(int ExitCode, string Output);

/// <summary>Runs a health command (systemctl, apt-get, dnf) with a time limit and a cap on the output read, killing it
/// (and its children) when the limit passes: a wedged package manager must never hold the agent's sync.</summary>
public static class BoundedCommand
{
    public const int MaxOutputChars = 1 << 20;

    public static async Task<CommandResult?> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            Environment = { ["LC_ALL"] = "C", ["LANG"] = "C" },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception)
        {
            return null;
        }
        using (process)
        {
            process.StandardInput.Close();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                var error = process.StandardError.ReadToEndAsync(limit.Token);
                var output = await ReadBoundedAsync(process.StandardOutput, limit.Token).ConfigureAwait(false);
                await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
                await error.ConfigureAwait(false);
                return new CommandResult(process.ExitCode, output);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                cancellationToken.ThrowIfCancellationRequested();
                return null;
            }
        }
    }

    private static async Task<string> ReadBoundedAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        var buffer = new char[8192];
        int read;
        while ((read = await reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (text.Length < MaxOutputChars)
            {
                text.Append(buffer, 0, Math.Min(read, MaxOutputChars - text.Length));
            }
        }
        return text.ToString();
    }
}

namespace Lightshield.Agent.Health;

/// <summary>systemd units in the failed state; null when systemd does not run the VM (no <c>/run/systemd/system</c>,
/// as <c>sd_booted(3)</c> checks) or systemctl does not answer in time.</summary>
public static class FailedUnits
{
    /// <summary>Names kept for the report; the count is always the whole.</summary>
    public const int MaxNames = 32;

    /// <summary>systemctl answers from memory; longer than this and it is wedged.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<string>?> ListAsync(string rootDirectory, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Path.Join(rootDirectory, "run/systemd/system")))
        {
            return null;
        }
        var result = await BoundedCommand.RunAsync("systemctl", ["list-units", "--state=failed", "--plain", "--no-legend", "--no-pager", "--full"],
            timeout, cancellationToken).ConfigureAwait(false);
        return result is { ExitCode: 0 } ? Parse(result.Output) : null;
    }

    /// <summary>The first column of each line: <c>UNIT LOAD ACTIVE SUB DESCRIPTION</c>.</summary>
    public static IReadOnlyList<string> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.TrimStart('●', '*', ' ').Split(' ', 2)[0])
            .Where(unit => unit.Length > 0)];
    }
}

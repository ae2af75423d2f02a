using System.Diagnostics;

namespace Lightshield.FleetBench.Modes;

/// <summary>
/// The scan server and the agent as a deployment ships them: <c>dotnet publish</c> in Release, ReadyToRun
/// (precompiled, so the processes do not spend the scan JIT-compiling), framework-dependent. Published into the
/// benchmark's scratch directory before the Lightshield mode starts; the publish is not measured.
/// </summary>
internal static class Deployables
{
    public static async Task<(string Svm, string Agent)> PublishAsync(string scratch, TextWriter log, CancellationToken cancellationToken)
    {
        var root = FleetCommand.RepositoryRoot();
        var svm = await PublishAsync(root, "Lightshield.Svm", Path.Combine(scratch, "publish", "svm"), log, cancellationToken);
        var agent = await PublishAsync(root, "Lightshield.Agent", Path.Combine(scratch, "publish", "agent"), log, cancellationToken);
        return (Path.Combine(svm, "lightshield-svm.dll"), Path.Combine(agent, "lightshield-agent.dll"));
    }

    private static async Task<string> PublishAsync(string root, string project, string output, TextWriter log, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "publish", Path.Combine(root, "src", project, project + ".csproj"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
                     "-p:PublishReadyToRun=true", "-o", output, "--nologo", "-v", "quiet",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet publish did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed ({process.ExitCode}):\n{await stdout}\n{await stderr}");
        }
        log.WriteLine($"lightshield: published {project} (ReadyToRun) to {output} in {clock.Elapsed.TotalSeconds:0} s");
        return output;
    }
}

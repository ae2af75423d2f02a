using System.CommandLine;
using Lightshield.Bench.Support;

namespace Lightshield.Bench.Agent;

internal static class AgentFootprintCommand
{
    /// <summary>Runtime settings compared by default, each against the agent as shipped (first row).</summary>
    public static readonly string[] DefaultVariants =
    [
        "as shipped:",
        "runtime defaults:DOTNET_EnableWriteXorExecute=1,DOTNET_TieredPGO=1,DOTNET_GCConserveMemory=0",
        "W^X off:DOTNET_EnableWriteXorExecute=0",
        "TieredPGO off:DOTNET_TieredPGO=0",
        "GCConserveMemory 7 + gen0 4 MiB:DOTNET_GCConserveMemory=7,DOTNET_GCgen0size=0x400000",
        "GCHeapHardLimit 32 MiB:DOTNET_GCHeapHardLimit=0x2000000",
    ];

    public static Command Create()
    {
        var files = new Option<int>("--files") { Description = "Files in the generated tree scanned on demand", DefaultValueFactory = _ => 2000 };
        var fileSize = new Option<int>("--file-size") { Description = "Bytes per file (random, distinct content)", DefaultValueFactory = _ => 16384 };
        var idle = new Option<double>("--idle-seconds") { Description = "Settling time before the idle figure, after start and after the scan", DefaultValueFactory = _ => 8 };
        var rounds = new Option<int>("--rounds") { Description = "Rounds; each runs every variant once, order rotated", DefaultValueFactory = _ => 2 };
        var variants = new Option<string[]>("--variant")
        {
            Description = "name:VAR=value,VAR=value (environment of the agent process); the first is the baseline",
            DefaultValueFactory = _ => DefaultVariants,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("agent-footprint", """
            Resident memory (VmRSS, VmHWM from /proc/PID/status) of the real lightshield-agent process: idle after start,
            during an on-demand scan of a generated tree through a scan server (fresh server per run, so every file is
            uploaded), and idle after it; per runtime-settings variant, against the first variant in the same run.
            """)
        {
            files, fileSize, idle, rounds, variants,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            Console.WriteLine($"command: {Format.CommandLine("agent-footprint", parse.Tokens.Skip(1).Select(t => t.Value))}");
            Console.WriteLine($"{Format.LoadAverage()} ({Environment.ProcessorCount} cores)");
            var settings = new FootprintSettings(parse.GetValue(files), parse.GetValue(fileSize), TimeSpan.FromSeconds(parse.GetValue(idle)),
                parse.GetValue(rounds), [.. parse.GetValue(variants)!.Select(RuntimeVariant.Parse)]);
            await AgentFootprintBenchmark.RunAsync(settings, cancellationToken);
            Console.WriteLine($"{Format.LoadAverage()} at the end");
            return 0;
        });
        return command;
    }
}

internal sealed record FootprintSettings(int Files, int FileSize, TimeSpan Idle, int Rounds, IReadOnlyList<RuntimeVariant> Variants);

/// <summary>A named set of environment variables for the agent process.</summary>
internal sealed record RuntimeVariant(string Name, IReadOnlyDictionary<string, string> Environment)
{
    public static RuntimeVariant Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1)
        {
            throw new FormatException($"'{text}' is not name:VAR=value,...");
        }
        var variables = text[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length == 2 ? pair[1] : throw new FormatException($"'{text}': expected VAR=value"));
        return new RuntimeVariant(text[..colon], variables);
    }
}

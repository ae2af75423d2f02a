using System.CommandLine;
using BenchmarkDotNet.Running;

namespace Lightshield.Bench.Micro;

internal static class MicroCommand
{
    public static Command Create()
    {
        var command = new Command("micro", """
            BenchmarkDotNet micro-benchmarks ([MemoryDiagnoser], short runs, in process): key hashing (4 KiB, 1 MiB) and
            L1 look-up batches, proof of possession per call. Arguments after `micro` go to BenchmarkDotNet (default: --filter '*'), e.g.
            micro --filter '*KeyHashing*'.
            """)
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        command.SetAction(parse =>
        {
            string[] arguments = parse.UnmatchedTokens.Count > 0 ? [.. parse.UnmatchedTokens] : ["--filter", "*"];
            var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroCommand).Assembly).Run(arguments, MicroConfig.Create());
            return summaries.Any(s => s.HasCriticalValidationErrors) ? 1 : 0;
        });
        return command;
    }
}

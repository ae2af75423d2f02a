using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Lightshield.Bench.Micro;

/// <summary>Short runs in this process (the repository's strict build settings would reject BenchmarkDotNet's
/// generated projects), allocations measured, artifacts outside the work tree.</summary>
internal static class MicroConfig
{
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "lightshield-bench-artifacts"))
        .WithOptions(ConfigOptions.JoinSummary);
}

using System.Diagnostics;
using Lightshield.BenchShared;

namespace Lightshield.FleetBench.Tests;

/// <summary>The benchmarks count a process with its descendants (a scan server's sandboxed workers are its children):
/// a grandchild is found, and the CPU a live child burns is in its parent's tree, not in the parent's own time.</summary>
public sealed class ProcessTreeTests
{
    [Fact]
    public async Task A_busy_grandchild_is_a_descendant_and_its_cpu_counts_in_the_tree_not_in_the_parent()
    {
        // bash → a subshell → sh running a busy loop; bash and the subshell only wait.
        using var parent = Process.Start("bash", ["-c", "(sh -c 'while :; do :; done' & wait) & wait"])!;
        try
        {
            var clock = Stopwatch.StartNew();
            while (ProcessTree.TreeCpuSeconds(parent.Id) < 0.5 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
            }
            var own = ProcessTree.CpuSeconds(parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));

            Assert.True(ProcessTree.Descendants(parent.Id).Count >= 2, "the subshell and its child, the loop");
            Assert.True(ProcessTree.TreeCpuSeconds(parent.Id) >= 0.5, "the loop's CPU is in the tree");
            Assert.True(own < 0.3, $"bash itself only waits ({own} s)");
            Assert.True(ProcessTree.TreeProportionalBytes(parent.Id) > 0);
        }
        finally
        {
            parent.Kill(entireProcessTree: true);
            await parent.WaitForExitAsync();
        }
    }
}

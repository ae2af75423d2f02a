using System.Diagnostics;

namespace Lightshield.Bench.Support;

/// <summary>
/// A CPU load the benchmark makes itself, so that "on a loaded machine" means the same thing from run to run: as many
/// busy-looping shells (<c>sh -c 'while :; do :; done'</c>, default priority) as asked, running until disposed. Whatever
/// else runs on the machine adds to it (every run prints the load average).
/// </summary>
internal sealed class BackgroundLoad : IDisposable
{
    private readonly List<Process> _spinners;

    private BackgroundLoad(List<Process> spinners) => _spinners = spinners;

    public int Processes => _spinners.Count;

    public static BackgroundLoad Start(int processes) =>
        new([.. Enumerable.Range(0, processes).Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!)]);

    public void Dispose()
    {
        foreach (var spinner in _spinners)
        {
            spinner.Kill();
            spinner.WaitForExit();
            spinner.Dispose();
        }
    }
}

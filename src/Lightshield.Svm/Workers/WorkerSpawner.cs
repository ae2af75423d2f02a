using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lightshield.Svm.Workers;

/// <summary>
/// Starts worker processes from one thread that lives as long as the server. The sandbox kills a worker when its parent
/// dies (<c>--die-with-parent</c>, so no worker outlives a crashed server), and Linux counts the parent as the
/// <em>thread</em> that forked it: a worker started from a thread-pool thread was killed the moment the pool retired that
/// thread.
/// </summary>
internal static class WorkerSpawner
{
    private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Requests = [];
    private static readonly Lazy<Thread> Spawner = new(() =>
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "lightshield scan-worker spawner" };
        thread.Start();
        return thread;
    });

    public static Task<Process> StartAsync(ProcessStartInfo start)
    {
        _ = Spawner.Value;
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Requests.Add((start, started));
        return started.Task;
    }

    private static void Run()
    {
        foreach (var (start, started) in Requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start"));
            }
            catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
            {
                started.SetException(exception);
            }
        }
    }
}

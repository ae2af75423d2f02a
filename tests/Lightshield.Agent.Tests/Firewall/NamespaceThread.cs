using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>A thread that lives in a named network namespace: sockets and netlink contexts created by work run here
/// belong to that namespace (setns changes only the calling thread's namespace).</summary>
internal sealed partial class NamespaceThread : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NamespaceThread(string name)
    {
        _thread = new Thread(() => Loop(name)) { IsBackground = true, Name = $"netns {name}" };
        _thread.Start();
        _entered.Task.GetAwaiter().GetResult();
    }

    public T Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception exception)
            {
                done.SetException(exception);
            }
        });
        return done.Task.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        _work.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _work.Dispose();
    }

    private void Loop(string name)
    {
        using (var handle = File.OpenHandle($"/var/run/netns/{name}"))
        {
            if (SetNs(handle.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
            {
                _entered.SetException(new IOException($"setns {name}: errno {Marshal.GetLastPInvokeError()}"));
                return;
            }
        }
        _entered.SetResult();
        foreach (var work in _work.GetConsumingEnumerable())
        {
            work();
        }
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int type);
}

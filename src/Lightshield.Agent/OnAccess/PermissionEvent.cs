using Microsoft.Win32.SafeHandles;

namespace Lightshield.Agent.OnAccess;

/// <summary>A permission event waiting for its answer. Whoever wins <see cref="TryClaim"/> (the decision, the
/// deadline or the stop) writes the one response and closes <see cref="File"/>.</summary>
internal sealed class PermissionEvent : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _claimed;

    public PermissionEvent(long id, int fd, int pid, string path, OnAccessEventKind kind, FailPolicy failPolicy, long deadline)
    {
        Id = id;
        Fd = fd;
        Pid = pid;
        Path = path;
        Kind = kind;
        FailPolicy = failPolicy;
        Deadline = deadline;
        // Last, so a constructor that throws leaves the descriptor to its caller.
        File = new SafeFileHandle(fd, ownsHandle: true);
    }

    public long Id { get; }

    /// <summary>The descriptor number the kernel expects in the response.</summary>
    public int Fd { get; }

    /// <summary>Owns <see cref="Fd"/>; disposing it closes the descriptor once no read is using it.</summary>
    public SafeFileHandle File { get; }

    public int Pid { get; }

    public string Path { get; }

    public OnAccessEventKind Kind { get; }

    public FailPolicy FailPolicy { get; }

    /// <summary>When the fail policy answers, in <see cref="TimeProvider.GetTimestamp"/> units.</summary>
    public long Deadline { get; }

    /// <summary>Cancelled once the event was answered by the deadline or the stop; given to the decision.</summary>
    public CancellationToken Token => _cancellation.Token;

    public bool IsAnswered => Volatile.Read(ref _claimed) != 0;

    /// <summary>True exactly once: the caller must then answer the event.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>Tells a still-running decision to give up.</summary>
    public void Abandon()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Called once the decision has returned (never while it may still use <see cref="Token"/>).</summary>
    public void Dispose() => _cancellation.Dispose();
}

using Microsoft.Win32.SafeHandles;

namespace Lightshield.Agent.OnAccess;

/// <summary>One intercepted open awaiting a decision. The opening process is blocked until the decision (or the
/// timeout) answers it.</summary>
/// <param name="Path">The file's path as seen in the agent's mount namespace.</param>
/// <param name="ProcessId">The process that opens the file.</param>
/// <param name="ProcessName">Its <c>/proc/PID/comm</c> (at most 15 characters), or null when unreadable.</param>
/// <param name="ExecutablePath">Its <c>/proc/PID/exe</c>, or null when unreadable (kernel threads).</param>
/// <param name="File">A read-only descriptor of the file opened by the kernel for this event: read it with
/// <see cref="RandomAccess"/> (positional reads; opening the path again is not needed). Do not dispose it; it stays
/// valid until the event is answered, and reads after that fail with <see cref="ObjectDisposedException"/>.</param>
/// <param name="Kind">Which permission event this is.</param>
public sealed record OnAccessRequest(
    string Path,
    int ProcessId,
    string? ProcessName,
    string? ExecutablePath,
    SafeFileHandle File,
    OnAccessEventKind Kind);

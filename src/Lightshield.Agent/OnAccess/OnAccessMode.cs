namespace Lightshield.Agent.OnAccess;

/// <summary>Which opens are intercepted.</summary>
public enum OnAccessMode
{
    /// <summary>Every open of a file (<c>FAN_OPEN_PERM</c>), executions included.</summary>
    Open = 0,

    /// <summary>Only opens for execution (<c>FAN_OPEN_EXEC_PERM</c>: <c>execve</c> of a program, <c>uselib</c>), for
    /// busy hosts. Shared libraries that the dynamic loader opens and maps are not covered. Needs Linux 5.0.</summary>
    ExecOnly = 1,
}

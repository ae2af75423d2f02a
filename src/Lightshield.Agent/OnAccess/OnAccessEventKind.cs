namespace Lightshield.Agent.OnAccess;

/// <summary>The kind of open a permission event stands for.</summary>
public enum OnAccessEventKind
{
    /// <summary><c>FAN_OPEN_PERM</c>: any open (including one for execution in <see cref="OnAccessMode.Open"/>).</summary>
    Open = 0,

    /// <summary><c>FAN_OPEN_EXEC_PERM</c>: an open for execution.</summary>
    Execute = 1,
}

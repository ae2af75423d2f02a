namespace Lightshield.Agent.Memory;

/// <summary>A file a running process executes or maps: its executable or a file-backed mapping (libraries,
/// mapped data), as <c>/proc/PID/exe</c> and <c>/proc/PID/maps</c> show them.</summary>
public sealed record ProcessImage(int ProcessId, string ProcessName, string Path);

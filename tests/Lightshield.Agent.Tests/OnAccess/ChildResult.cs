namespace Lightshield.Agent.Tests.OnAccess;

internal sealed record ChildResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed);

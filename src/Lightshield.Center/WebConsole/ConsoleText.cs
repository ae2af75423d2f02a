using Lightshield.Center.ScanTasks;

namespace Lightshield.Center.WebConsole;

/// <summary>Words the console shows for stored values (the same words the REST API uses).</summary>
internal static class ConsoleText
{
    public static string TaskKind(ScanTaskKind kind) => Api.TaskResponse.KindName(kind);
}

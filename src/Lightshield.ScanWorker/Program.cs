namespace Lightshield.ScanWorker;

/// <summary>The entry point (a named class: a generated top-level <c>Program</c> would clash with the center's in processes
/// that load both assemblies, such as <c>lightshield up</c> and the tests).</summary>
internal static class Program
{
    public static int Main() => WorkerHost.Run(Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error);
}

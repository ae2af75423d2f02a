namespace Lightshield.Center.WebConsole;

/// <summary>Where the console's static files (Blazor's script, MudBlazor's CSS and JS) are described. The center also
/// runs inside other processes (<c>lightshield up</c>, the tests), whose application name is not the center's, so the
/// manifests are looked up by the center assembly's name next to it rather than by the host's name.</summary>
internal static class ConsoleStaticAssets
{
    private const string AssemblyName = "lightshield-center";

    /// <summary>The endpoints manifest written by the build (and by publish).</summary>
    public static string EndpointsManifest() => Path.Combine(AppContext.BaseDirectory, $"{AssemblyName}.staticwebassets.endpoints.json");

    /// <summary>The development manifest mapping assets to the package folders; present in build output, not in a publish.</summary>
    public static string RuntimeManifest() => Path.Combine(AppContext.BaseDirectory, $"{AssemblyName}.staticwebassets.runtime.json");
}

using Microsoft.Extensions.Configuration;

namespace Lightshield.ServiceDefaults;

/// <summary>The settings file a packaged server reads (<c>/etc/lightshield/svm.json</c>, <c>center.json</c>), named by
/// its systemd unit in <c>LIGHTSHIELD_SETTINGS_FILE</c>. Only the service gets that variable: tests, <c>lightshield up</c>
/// and the CLI's private scan server (which passes no <c>LIGHTSHIELD_</c> variable on) never read the machine's file.</summary>
public static class SettingsFile
{
    public const string Variable = "LIGHTSHIELD_SETTINGS_FILE";

    /// <summary>Adds the JSON file <paramref name="path"/> (required: a unit naming a missing file fails at start, saying
    /// which), or nothing when it is null or empty.</summary>
    public static IConfigurationBuilder AddSettingsFile(this IConfigurationBuilder configuration, string? path)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.IsNullOrEmpty(path) ? configuration : configuration.AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
    }
}

namespace Lightshield.Agent.Health;

/// <summary>Whether the VM waits for a reboot: Debian and Ubuntu's package scripts create
/// <c>/var/run/reboot-required</c> (a link to <c>/run/reboot-required</c>) when an update needs one.</summary>
public static class RebootRequired
{
    public static bool Check(string rootDirectory) =>
        File.Exists(Path.Join(rootDirectory, "var/run/reboot-required")) || File.Exists(Path.Join(rootDirectory, "run/reboot-required"));
}

namespace Lightshield.Agent.Tests.Firewall;

/// <summary>A firewall test: needs root to create network namespaces and nftables tables (CI runs as root). Skipped
/// only without root; a missing <c>ip</c> or libnftables fails the test instead.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FirewallFactAttribute : FactAttribute
{
    public FirewallFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root (network namespaces, nftables); run the tests as root, as CI does";
        }
        Timeout = 20_000;
    }
}

namespace Lightshield.Agent.Health;

/// <summary>The VM's instance id as the cloud platform set it: the DMI product UUID that KVM, Xen, Hyper-V and VMware
/// hand the guest (OpenStack's and most clouds' instance id). Readable by root only.</summary>
public static class InstanceIdentity
{
    public const string ProductUuidPath = "/sys/class/dmi/id/product_uuid";

    /// <summary>The configured id, else the product UUID in lower case, else empty.</summary>
    public static string Of(string? configured, string productUuidPath = ProductUuidPath)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim();
        }
        try
        {
            return File.ReadAllText(productUuidPath).Trim().ToLowerInvariant();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }
}

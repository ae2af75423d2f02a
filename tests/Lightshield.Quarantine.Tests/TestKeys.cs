
namespace Lightshield.Quarantine.Tests;

/// <summary>RSA-3072 generation takes a fraction of a second; tests share two tenants' key pairs.</summary>
internal static class TestKeys
{
    private static readonly Lazy<QuarantinePrivateKey> LazyTenant = new(QuarantineKeys.Generate);
    private static readonly Lazy<QuarantinePrivateKey> LazyOtherTenant = new(QuarantineKeys.Generate);

    public static QuarantinePrivateKey Tenant => LazyTenant.Value;

    public static QuarantinePrivateKey OtherTenant => LazyOtherTenant.Value;
}

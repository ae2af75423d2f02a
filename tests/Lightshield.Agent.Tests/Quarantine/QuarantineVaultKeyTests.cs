using Lightshield.Agent.Quarantine;
using Lightshield.Testing;

namespace Lightshield.Agent.Tests.Quarantine;

/// <summary>The agent's vault can put files in but never read them back: it never sees the tenant's private key.</summary>
public sealed class QuarantineVaultKeyTests
{
    [Fact]
    public void QuarantineVault_TypeSystem_TakesThePublicKeyAndHoldsNoPrivateKey()
    {
        Assert.True(KeyCustody.TakesPublicKey(typeof(QuarantineVault)));
        Assert.Empty(KeyCustody.PrivateKeyHoldings(typeof(QuarantineVault)));
    }
}

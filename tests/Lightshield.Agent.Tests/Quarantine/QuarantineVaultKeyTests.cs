using System.Reflection;
using System.Security.Cryptography;
using Lightshield.Agent.Quarantine;
using Lightshield.Quarantine;

namespace Lightshield.Agent.Tests.Quarantine;

/// <summary>The agent's vault can put files in but never read them back: it never sees the tenant's private key.</summary>
public sealed class QuarantineVaultKeyTests
{
    [Fact]
    public void QuarantineVault_TypeSystem_TakesThePublicKeyAndHoldsNoPrivateKey()
    {
        var parameterTypes = typeof(QuarantineVault).GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToList();
        var fieldTypes = typeof(QuarantineVault).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Select(f => f.FieldType).ToList();
        var publicKeyFields = typeof(QuarantinePublicKey).GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public)
            .Select(f => f.FieldType).ToList();

        Assert.Contains(typeof(QuarantinePublicKey), parameterTypes);
        Assert.DoesNotContain(typeof(QuarantinePrivateKey), parameterTypes);
        Assert.DoesNotContain(fieldTypes, type => type == typeof(QuarantinePrivateKey) || typeof(AsymmetricAlgorithm).IsAssignableFrom(type));
        Assert.DoesNotContain(publicKeyFields, type => type == typeof(QuarantinePrivateKey) || typeof(AsymmetricAlgorithm).IsAssignableFrom(type));
    }
}

using System.Reflection;
using System.Security.Cryptography;
using Lightshield.Quarantine;

namespace Lightshield.Testing;

/// <summary>What a type that writes quarantine items is given and keeps, read from its declaration: such a type takes
/// the tenant's public key and must have no way to hold the private one.</summary>
public static class KeyCustody
{
    private const BindingFlags Fields = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    public static bool TakesPublicKey(Type type) =>
        type.GetConstructors().SelectMany(c => c.GetParameters()).Any(p => p.ParameterType == typeof(QuarantinePublicKey));

    /// <summary>Each constructor parameter or field of <paramref name="type"/> (or of <see cref="QuarantinePublicKey"/>)
    /// that is a private key or an asymmetric algorithm, which could hold one; empty when there is none.</summary>
    public static IReadOnlyList<string> PrivateKeyHoldings(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters())
            .Where(p => CanHoldPrivateKey(p.ParameterType)).Select(p => $"{type.Name}({p.ParameterType.Name} {p.Name})");
        var fields = new[] { type, typeof(QuarantinePublicKey) }.SelectMany(t => t.GetFields(Fields).Select(f => (Owner: t, Field: f)))
            .Where(x => CanHoldPrivateKey(x.Field.FieldType)).Select(x => $"{x.Owner.Name}.{x.Field.Name}: {x.Field.FieldType.Name}");
        return [.. parameters, .. fields];
    }

    private static bool CanHoldPrivateKey(Type type) => type == typeof(QuarantinePrivateKey) || typeof(AsymmetricAlgorithm).IsAssignableFrom(type);
}

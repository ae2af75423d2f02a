namespace Lightshield.Quarantine.Vault;

/// <summary>Why a file is quarantined: the detection name(s) the engine reported, e.g. <c>Eicar-Signature</c>.</summary>
/// <remarks>Detection names are stored in <b>plaintext</b> in the item's manifest, so listing works without the
/// tenant's private key. Pass engine signature names only, never a file or archive-member name.</remarks>
public sealed record QuarantineDetection(IReadOnlyList<string> Names)
{
    public const int MaximumNames = 32;
    public const int MaximumNameLength = 200;

    public QuarantineDetection(string name) : this([name])
    {
    }

    internal void Validate()
    {
        if (Names is not { Count: > 0 and <= MaximumNames })
        {
            throw new QuarantineException($"a detection has 1 to {MaximumNames} names");
        }
        foreach (var name in Names)
        {
            if (string.IsNullOrWhiteSpace(name) || name.Length > MaximumNameLength || name.Any(char.IsControl))
            {
                throw new QuarantineException($"'{name}' is not a detection name (1 to {MaximumNameLength} printable characters)");
            }
        }
    }
}

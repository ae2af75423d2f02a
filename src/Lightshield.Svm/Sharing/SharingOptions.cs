using System.ComponentModel.DataAnnotations;

namespace Lightshield.Svm.Sharing;

/// <summary>When a cached verdict is given to a tenant (section <c>Svm:Sharing</c>; <see cref="ContentPresence"/>).</summary>
public sealed record SharingOptions
{
    /// <summary>K: a tenant gets a cached verdict for content it has not uploaded itself only once this many distinct
    /// tenants have uploaded it (operating-system and package files); below that, a tenant's content is its own. 1 shares
    /// every verdict with every tenant (one tenant, or a site that accepts the oracle). Default 3.</summary>
    [Range(1, 1000)]
    public int MinTenantsToShare { get; init; } = 3;

    /// <summary>File keys whose uploaders this server remembers. Beyond it new content is not remembered: its tenants
    /// upload it again (a cost, never a leak). Default 2,000,000 (about 200 MB at most).</summary>
    [Range(1000, 100_000_000)]
    public int MaxTrackedKeys { get; init; } = 2_000_000;
}

using Lightshield.Center.Identity;
using Lightshield.Center.Licensing;
using Lightshield.Center.Tenants;

namespace Lightshield.Center.Tests.Hosting;

/// <summary>These enums are stored as numbers: renumbering one would silently change every stored row.</summary>
public sealed class PersistedEnumStabilityTests
{
    [Fact]
    public void Role_numbers_and_names_are_frozen()
    {
        Assert.Equal(
            [(1, "provider-admin"), (2, "provider-operator"), (10, "tenant-admin"), (11, "tenant-operator"), (12, "tenant-auditor")],
            Enum.GetValues<Role>().Select(r => ((int)r, r.ToName())).ToArray());
    }

    [Fact]
    public void Tenant_state_numbers_are_frozen()
    {
        Assert.Equal([(1, "Active"), (2, "Suspended")], Enum.GetValues<TenantState>().Select(s => ((int)s, s.ToString())).ToArray());
    }

    [Fact]
    public void Licence_state_numbers_and_names_are_frozen()
    {
        Assert.Equal([(0, "none"), (1, "ok"), (2, "over-licence"), (3, "grace"), (4, "expired")],
            Enum.GetValues<LicenceState>().Select(s => ((int)s, s.ToName())).ToArray());
    }

    [Fact]
    public void Hunt_file_state_numbers_are_frozen_and_equal_to_the_wire()
    {
        Assert.Equal([(1, "Present"), (2, "Changed"), (3, "Gone")],
            Enum.GetValues<Lightshield.Center.Hunts.HuntFileState>().Select(s => ((int)s, s.ToString())).ToArray());
        Assert.Equal([1, 2, 3], Enum.GetValues<Lightshield.Protocol.Center.HuntFileState>().Where(s => (int)s != 0).Select(s => (int)s));
    }

    [Fact]
    public void Hunt_kind_numbers_are_frozen()
    {
        Assert.Equal([(1, "OnDemand"), (2, "Retro"), (3, "Outbreak")], Enum.GetValues<Lightshield.Center.Hunts.HuntKind>().Select(k => ((int)k, k.ToString())).ToArray());
    }
}

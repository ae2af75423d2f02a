using Lightshield.Svm.Center;
using Lightshield.Svm.Sharing;
using Lightshield.Svm.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using FileKey = Lightshield.Verdicts.FileKey;

namespace Lightshield.Svm.Tests.Sharing;

/// <summary>Decision 40 on the scan server: a retro-active finding names who may hold the content by the sharing rule
/// itself (its uploaders, or the whole site once K tenants uploaded it), and findings survive a heartbeat the center did
/// not answer.</summary>
public sealed class RetroHuntHoldersTests
{
    [Fact]
    public void Findings_name_the_uploaders_until_the_content_is_shared_then_the_site_and_nobody_for_content_never_uploaded()
    {
        var presence = new ContentPresence(Options.Create(new SharingOptions { MinTenantsToShare = 3 }));
        var own = FileKey.Compute(TestContent.Unique());
        var shared = FileKey.Compute(TestContent.Unique());
        var unknown = FileKey.Compute(TestContent.Unique());
        presence.Uploaded("aaaa", own);
        presence.Uploaded("bbbb", own);
        foreach (var tenant in new[] { "aaaa", "bbbb", "cccc" })
        {
            presence.Uploaded(tenant, shared);
        }
        var findings = new RetroFindings(presence);

        findings.Add([own, shared, unknown], "27001");
        var taken = findings.Take();

        Assert.Equal(3, taken.Count);
        Assert.False(taken[0].SiteWide);
        Assert.Equal(["aaaa", "bbbb"], taken[0].TenantIds.Order(StringComparer.Ordinal));
        Assert.Equal(own.Sha256(), taken[0].Sha256.ToByteArray());
        Assert.Equal((own.Size, "27001"), (taken[0].Size, taken[0].DatabaseVersion));
        Assert.Equal((true, 0), (taken[1].SiteWide, taken[1].TenantIds.Count));
        Assert.Equal((false, 0), (taken[2].SiteWide, taken[2].TenantIds.Count));
        Assert.Empty(findings.Take());
        findings.Return(taken); // the heartbeat failed
        Assert.Equal(3, findings.Take().Count);
    }

    [Fact]
    public void With_sharing_off_every_finding_is_site_wide()
    {
        var presence = new ContentPresence(Options.Create(new SharingOptions { MinTenantsToShare = 1 }));
        var findings = new RetroFindings(presence);

        findings.Add([FileKey.Compute(TestContent.Unique())], "27001");

        Assert.True(Assert.Single(findings.Take()).SiteWide);
    }
}

using Lightshield.Svm.Sharing;
using Lightshield.Svm.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using FileKey = Lightshield.Verdicts.FileKey;

namespace Lightshield.Svm.Tests.Sharing;

public sealed class ContentPresenceTests
{
    private static readonly FileKey Key = FileKey.Compute(TestContent.Unique());

    [Fact]
    public void A_look_up_does_not_count_as_holding_the_content_only_an_upload_does()
    {
        var presence = Presence(minTenants: 3);

        Assert.False(presence.MayShare("a", Key));
        Assert.False(presence.MayShare("a", Key)); // asking twice proves nothing either
        presence.Uploaded("a", Key);

        Assert.True(presence.MayShare("a", Key));
        Assert.False(presence.MayShare("b", Key));
    }

    [Fact]
    public void The_same_tenant_uploading_again_does_not_count_as_another_tenant()
    {
        var presence = Presence(minTenants: 2);

        presence.Uploaded("a", Key);
        presence.Uploaded("a", Key);

        Assert.False(presence.MayShare("b", Key));
        presence.Uploaded("b", Key);
        Assert.True(presence.MayShare("c", Key));
    }

    [Fact]
    public void A_full_table_remembers_no_new_content_so_its_tenants_upload_again_rather_than_learn_anything()
    {
        var presence = Presence(minTenants: 3, maxKeys: 1000);
        for (var i = 0; i < 1000; i++)
        {
            presence.Uploaded("a", FileKey.Compute(BitConverter.GetBytes(i)));
        }

        Assert.False(presence.Uploaded("a", Key));
        Assert.False(presence.MayShare("a", Key));
    }

    [Fact]
    public void K_of_one_shares_every_verdict_with_every_tenant()
    {
        Assert.True(Presence(minTenants: 1).MayShare("anyone", Key));
    }

    private static ContentPresence Presence(int minTenants, int maxKeys = 10_000) =>
        new(Options.Create(new SharingOptions { MinTenantsToShare = minTenants, MaxTrackedKeys = maxKeys }));
}

using System.Text;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Protocol.Link;
using Lightshield.Protocol.Policies;
using Lightshield.Protocol.Transport;

namespace Lightshield.Center.Tests.Hierarchy;

/// <summary>The provider's policy template (about 1 KB) goes down the link only when the tenant center does not hold it:
/// at the first exchange and after the provider changed it, not at every round.</summary>
public sealed class HierarchyTemplateTests(LiveCenter<SqliteTestDatabase> main) : IClassFixture<LiveCenter<SqliteTestDatabase>>
{
    [Fact]
    public async Task The_template_is_sent_when_the_tenant_center_lacks_it_and_left_out_while_unchanged()
    {
        var (_, link) = await HierarchyWorld.LinkNewTenantAsync(main);
        var client = new CenterLink.CenterLinkClient(GrpcChannels.Open(main.GrpcAddress, main.CertificateFingerprint));
        var headers = IntegrationDriver.Bearer(link.Credential);

        var first = await client.ExchangeAsync(new LinkExchangeRequest(), headers);
        Assert.NotEmpty(first.PolicyTemplate);
        Assert.Equal(64, first.PolicyTemplateSha256.Length);
        var unchanged = await client.ExchangeAsync(new LinkExchangeRequest { PolicyTemplateSha256 = first.PolicyTemplateSha256 }, headers);
        Assert.Empty(unchanged.PolicyTemplate);
        Assert.Equal(first.PolicyTemplateSha256, unchanged.PolicyTemplateSha256);

        var changed = PolicyJson.Serialize(new PolicyDocument { OnDemand = new OnDemandPolicy { ExcludedPaths = ["/var/cache/template-test"] } });
        using (var put = await main.Driver.Provider.PutAsync("/api/v1/policy-template", new StringContent(changed, Encoding.UTF8, "application/json")))
        {
            Assert.True(put.IsSuccessStatusCode, await put.Content.ReadAsStringAsync());
        }
        var after = await client.ExchangeAsync(new LinkExchangeRequest { PolicyTemplateSha256 = first.PolicyTemplateSha256 }, headers);
        Assert.Contains("/var/cache/template-test", after.PolicyTemplate, StringComparison.Ordinal);
        Assert.NotEqual(first.PolicyTemplateSha256, after.PolicyTemplateSha256);
    }
}

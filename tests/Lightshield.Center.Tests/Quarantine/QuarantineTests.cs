using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Lightshield.Center.Agents;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AgentEventMessage = Lightshield.Protocol.Center.AgentEventMessage;

namespace Lightshield.Center.Tests.Quarantine;

public abstract class QuarantineTests<TDatabase>(CenterFixture<TDatabase> fixture) : CenterTest<TDatabase>(fixture)
    where TDatabase : TestDatabase, new()
{
    private const string Secret = "correct horse battery staple";

    /// <summary>A tenant with a quarantine key, an agent holding its own RSA key, and one vault item of that agent whose
    /// data key is known to the test (as only the VM would know it).</summary>
    private async Task<(TestTenant Tenant, HttpClient Admin, Guid ItemRecordId, string ItemId, byte[] DataKey, RSA AgentKey)> WorldAsync()
    {
        var tenant = await Center.CreateTenantAsync(Unique("quarantine"));
        var admin = Center.Client(tenant.AdminToken);
        using var created = await admin.PostAsJsonAsync("/api/v1/quarantine/key", TenantSide.NewKey(Secret));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = (await created.Content.ReadFromJsonAsync<QuarantineKeyResponse>())!;

        var group = (await (await admin.PostAsJsonAsync("/api/v1/agent-groups", new AgentGroupRequest(Unique("g"), null)))
            .Content.ReadFromJsonAsync<AgentGroupResponse>())!;
        var enrolment = (await (await admin.PostAsJsonAsync("/api/v1/enrolment-tokens", new EnrolmentTokenRequest(Unique("e"), group.Id, null)))
            .Content.ReadFromJsonAsync<EnrolmentTokenCreatedResponse>())!;
        var agent = await Center.EnrolAsync(enrolment.Token, "vm-1");
        var agentKey = RSA.Create(3072);

        var itemId = QuarantineItemId.New();
        var dataKey = RandomNumberGenerator.GetBytes(QuarantineKeys.DataKeySize);
        var wrapped = QuarantineKeys.WrapDataKey(QuarantineKeys.ImportPublicKeyPem(key.PublicKeyPem), QuarantineItemId.ToBytes(itemId), dataKey);
        await using var scope = Center.Scope(TenantScope.ForTenant(tenant.Id));
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        (await db.Agents.SingleAsync(a => a.Id == agent.AgentId)).PublicKey = agentKey.ExportSubjectPublicKeyInfo();
        await db.SaveChangesAsync();
        var payload = JsonSerializer.Serialize(new
        {
            itemId,
            encryptedPath = Convert.ToBase64String(QuarantinePathSeal.Seal(QuarantineKeys.ImportPublicKeyPem(key.PublicKeyPem), itemId, "/home/alice/invoice.pdf")),
            names = new[] { "Eicar-Signature" },
            sha256 = new string('c', 64),
            size = 68,
            quarantinedAt = DateTimeOffset.UtcNow,
            wrappedDataKey = Convert.ToBase64String(wrapped),
            keyFingerprint = key.Fingerprint,
        });
        await scope.ServiceProvider.GetRequiredService<QuarantineRestores>().RecordItemsAsync(agent.AgentId,
            [new AgentEventMessage { EventId = Guid.NewGuid().ToString(), Type = QuarantineRestores.ItemEventType, PayloadJson = payload }], default);
        var recordId = await db.QuarantineItems.Where(i => i.ItemId == itemId).Select(i => i.Id).SingleAsync();
        return (tenant, admin, recordId, itemId, dataKey, agentKey);
    }

    [Fact]
    public async Task Everything_the_center_stores_cannot_yield_a_data_key_without_the_tenant_secret()
    {
        var world = await WorldAsync();
        using var agentKey = world.AgentKey;
        TenantQuarantineKey key;
        QuarantineItemRecord item;
        await using (var system = Center.Scope(TenantScope.System))
        {
            var db = system.ServiceProvider.GetRequiredService<CenterDbContext>();
            key = await db.QuarantineKeys.AsNoTracking().SingleAsync(k => k.TenantId == world.Tenant.Id);
            item = await db.QuarantineItems.AsNoTracking().SingleAsync(i => i.Id == world.ItemRecordId);
        }
        // The private key is stored only encrypted: no secret, or a wrong one, opens it.
        Assert.Contains("ENCRYPTED PRIVATE KEY", key.EncryptedPrivateKeyPem, StringComparison.Ordinal);
        Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPrivateKeyPem(key.EncryptedPrivateKeyPem));
        Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPrivateKeyPem(key.EncryptedPrivateKeyPem, "a wrong tenant secret"));
        // The stored data key is wrapped; the raw key appears nowhere in the database's rows or files.
        Assert.NotEqual(world.DataKey, item.WrappedDataKey);
        var hex = Convert.ToHexString(world.DataKey);
        Assert.DoesNotContain(hex, Convert.ToHexString(item.WrappedDataKey), StringComparison.Ordinal);
        if (Center.Database is SqliteTestDatabase sqlite)
        {
            Assert.DoesNotContain(hex, Convert.ToHexString(await ReadSharedAsync(sqlite.FilePath)), StringComparison.Ordinal);
        }
        // With the secret, the same rows do give the key back: the test above is not vacuous.
        using var unlocked = QuarantineKeys.ImportPrivateKeyPem(key.EncryptedPrivateKeyPem, Secret);
        Assert.Equal(world.DataKey, QuarantineKeys.UnwrapDataKey(new QuarantineWrappedKey(item.ItemId, item.KeyFingerprint, item.WrappedDataKey), unlocked));
    }

    [Fact]
    public async Task A_restore_made_on_the_tenants_side_hands_the_agent_the_data_key_wrapped_to_its_own_key_only()
    {
        var world = await WorldAsync();
        using var agentKey = world.AgentKey;
        // A wrong secret fails on the tenant's side, before anything is sent.
        await Assert.ThrowsAsync<QuarantineException>(() => TenantSide.RestoreKeyAsync(world.Admin, world.ItemRecordId, "not the secret at all"));
        using (var restore = await TenantSide.RestoreAsync(world.Admin, world.ItemRecordId, Secret))
        {
            Assert.Equal(HttpStatusCode.Accepted, restore.StatusCode);
        }
        await using var scope = Center.Scope(TenantScope.ForTenant(world.Tenant.Id));
        var restores = scope.ServiceProvider.GetRequiredService<QuarantineRestores>();
        var agentId = (await scope.ServiceProvider.GetRequiredService<CenterDbContext>().QuarantineItems.SingleAsync(i => i.Id == world.ItemRecordId)).AgentId;
        var order = Assert.Single(await restores.PendingAsync(agentId, default));
        Assert.Equal(world.ItemId, order.ItemId);
        Assert.Equal(world.DataKey, RestoreKeyWrap.Unwrap(agentKey, world.ItemId, order.WrappedDataKey.Span));
        using var otherAgent = RSA.Create(3072);
        Assert.ThrowsAny<CryptographicException>(() => RestoreKeyWrap.Unwrap(otherAgent, world.ItemId, order.WrappedDataKey.Span));

        await restores.CompletedAsync(agentId, [world.ItemId], default);
        Assert.Empty(await restores.PendingAsync(agentId, default));
        var listed = await world.Admin.GetFromJsonAsync<QuarantineItemResponse[]>("/api/v1/quarantine");
        Assert.Equal("restored", Assert.Single(listed!).State);
    }

    [Fact]
    public async Task A_second_key_is_refused_because_it_would_orphan_the_vaults()
    {
        var world = await WorldAsync();
        world.AgentKey.Dispose();
        using var second = await world.Admin.PostAsJsonAsync("/api/v1/quarantine/key", TenantSide.NewKey("another secret entirely"));
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

public sealed class QuarantineTests_Sqlite(CenterFixture<SqliteTestDatabase> fixture) : QuarantineTests<SqliteTestDatabase>(fixture);

public sealed class QuarantineTests_Postgres(CenterFixture<PostgresTestDatabase> fixture) : QuarantineTests<PostgresTestDatabase>(fixture);

using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.Tenancy;
using Lightshield.Center.Tests.Console;
using Lightshield.Center.Tests.Infrastructure;
using Lightshield.Center.Tests.Integration;
using Lightshield.Quarantine;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using AgentEventMessage = Lightshield.Protocol.Center.AgentEventMessage;

namespace Lightshield.Center.Tests.Quarantine;

/// <summary>
/// Attacks on "the tenant secret never reaches the center": every way to hand the center a secret is refused, the
/// center's code has nothing that could open a tenant key, a restore made in the browser (real chromium) sends the
/// center neither the secret nor a data key, and a forged restore key is refused by the center (shape) or by the agent
/// (binding). The browser test needs no scan server: the agent's side of a restore is <see cref="RestoreKeyWrap.Unwrap"/>
/// with the agent's key, as <c>Agent/Center/RestoreOrders</c> does it.
/// </summary>
public sealed class TenantSecretAdversarialTests(LiveCenter<SqliteTestDatabase> center, ConsoleBrowser browser)
    : IClassFixture<LiveCenter<SqliteTestDatabase>>, IClassFixture<ConsoleBrowser>
{
    private const string Secret = "the tenant secret that stays with the tenant";

    private IntegrationDriver Driver => center.Driver;

    [Fact]
    public async Task No_api_takes_a_tenant_secret_and_a_request_carrying_one_changes_nothing()
    {
        var tenant = await Driver.CreateTenantAsync();
        var admin = Driver.Client(tenant.AdminToken);
        var upload = TenantSide.NewKey(Secret);
        // An old client's key creation (the secret only), or a valid upload with the secret added: refused, not ignored.
        foreach (var body in new object[] { new { secret = Secret }, new { upload.PublicKeyPem, upload.EncryptedPrivateKeyPem, secret = Secret } })
        {
            using var response = await admin.PostAsJsonAsync("/api/v1/quarantine/key", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        // A private key the center could read (in clear, or under a weak derivation) is refused too.
        using (var rsa = RSA.Create(3072))
        {
            var weak = rsa.ExportEncryptedPkcs8PrivateKeyPem(Secret, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 1000));
            foreach (var privateKey in new[] { rsa.ExportPkcs8PrivateKeyPem(), weak })
            {
                using var response = await admin.PostAsJsonAsync("/api/v1/quarantine/key",
                    new QuarantineKeyRequest(PemEncoding.WriteString("PUBLIC KEY", rsa.ExportSubjectPublicKeyInfo()), privateKey));
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            }
        }
        using (var none = await admin.GetAsync("/api/v1/quarantine/key"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        using var world = await WorldAsync(tenant, upload);
        var restoreKey = await TenantSide.RestoreKeyAsync(admin, world.RecordId, Secret);
        foreach (var body in new object[] { new { secret = Secret }, new { agentWrappedKey = restoreKey, secret = Secret } })
        {
            using var response = await admin.PostAsJsonAsync($"/api/v1/quarantine/{world.RecordId}/restore", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        Assert.Equal("in-vault", await StateAsync(admin, world.RecordId));
        Assert.Empty(await PendingAsync(world));
        Assert.False(await DatabaseContainsAsync(Secret), "the tenant secret reached the center's database");
    }

    [Fact]
    public void No_request_body_of_the_api_has_a_field_for_a_secret()
    {
        var bodies = center.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.GetOrderedMetadata<IAcceptsMetadata>()).Select(m => m.RequestType).OfType<Type>().Distinct().ToList();
        Assert.Contains(typeof(QuarantineRestoreRequest), bodies);
        Assert.Contains(typeof(QuarantineKeyRequest), bodies);
        var fields = bodies.SelectMany(t => t.GetProperties().Select(p => $"{t.Name}.{p.Name}"))
            .Where(name => name.Contains("Secret", StringComparison.OrdinalIgnoreCase) || name.Contains("Passphrase", StringComparison.OrdinalIgnoreCase));
        Assert.Empty(fields);
    }

    [Fact]
    public void The_centers_code_calls_nothing_that_opens_a_private_key_or_unwraps_a_data_key()
    {
        string[] forbidden =
        [
            $"{nameof(QuarantineKeys)}.{nameof(QuarantineKeys.ImportPrivateKeyPem)}", $"{nameof(QuarantineKeys)}.{nameof(QuarantineKeys.UnwrapDataKey)}",
            $"{nameof(RestoreKeyWrap)}.{nameof(RestoreKeyWrap.Rewrap)}", $"{nameof(RestoreKeyWrap)}.{nameof(RestoreKeyWrap.Unwrap)}",
            "RSA.ImportFromEncryptedPem", "AsymmetricAlgorithm.ImportFromEncryptedPem", "RSA.ImportEncryptedPkcs8PrivateKey",
            "AsymmetricAlgorithm.ImportEncryptedPkcs8PrivateKey", "RSA.Decrypt",
        ];
        var called = CalledMembers(typeof(QuarantineRestores).Assembly);
        Assert.Contains($"{nameof(RestoreKeyWrap)}.{nameof(RestoreKeyWrap.CheckShape)}", called); // the scan reads real references
        Assert.Empty(called.Intersect(forbidden));
    }

    [Fact]
    public async Task A_forged_restore_key_is_refused_by_the_center_or_by_the_agent()
    {
        var tenant = await Driver.CreateTenantAsync();
        var admin = Driver.Client(tenant.AdminToken);
        using var world = await WorldAsync(tenant, TenantSide.NewKey(Secret));
        // The wrong size for the agent's key (3072 bits: 384 bytes), or nothing at all: refused, nothing is ordered.
        foreach (var size in new[] { 0, 32, 383, 385, 512 })
        {
            using var response = await admin.PostAsJsonAsync($"/api/v1/quarantine/{world.RecordId}/restore",
                new QuarantineRestoreRequest(size == 0 ? null : RandomNumberGenerator.GetBytes(size)));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        using (var garbage = await admin.PostAsync($"/api/v1/quarantine/{world.RecordId}/restore",
            new StringContent("{\"agentWrappedKey\":\"not base64 at all!\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        }
        Assert.Equal("in-vault", await StateAsync(admin, world.RecordId));

        // The right size, but another item's key, or a key for another agent: the center cannot tell (it cannot open
        // the wrap), the agent refuses it.
        var other = await AddItemAsync(world, "/home/alice/other.pdf");
        var otherItemsKey = await TenantSide.RestoreKeyAsync(admin, other.RecordId, Secret);
        using var stranger = RSA.Create(3072);
        var forStranger = RestoreKeyWrap.Wrap(stranger.ExportSubjectPublicKeyInfo(), world.ItemId, world.DataKey);
        foreach (var forged in new[] { otherItemsKey, forStranger })
        {
            using var response = await admin.PostAsJsonAsync($"/api/v1/quarantine/{world.RecordId}/restore", new QuarantineRestoreRequest(forged));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var order = Assert.Single(await PendingAsync(world), o => o.ItemId == world.ItemId);
            Assert.ThrowsAny<CryptographicException>(() => RestoreKeyWrap.Unwrap(world.AgentKey, world.ItemId, order.WrappedDataKey.Span));
        }

        // A restored item cannot be ordered again; a forgotten one is not found.
        await using (var scope = TenantScopeOf(world))
        {
            await scope.ServiceProvider.GetRequiredService<QuarantineRestores>().CompletedAsync(world.AgentId, [world.ItemId], default);
        }
        var genuine = RestoreKeyWrap.Wrap(world.AgentKey.ExportSubjectPublicKeyInfo(), world.ItemId, world.DataKey);
        using (var again = await admin.PostAsJsonAsync($"/api/v1/quarantine/{world.RecordId}/restore", new QuarantineRestoreRequest(genuine)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        }
        using (var deleted = await admin.DeleteAsync($"/api/v1/quarantine/{other.RecordId}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        using (var gone = await admin.PostAsJsonAsync($"/api/v1/quarantine/{other.RecordId}/restore", new QuarantineRestoreRequest(otherItemsKey)))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }
    }

    [Fact]
    public async Task The_console_opens_paths_and_restores_in_the_browser_and_neither_the_secret_a_data_key_nor_a_path_leaves_it()
    {
        var tenant = await Driver.CreateTenantAsync();
        using var world = await WorldAsync(tenant, TenantSide.NewKey(Secret));
        const string wrongSecret = "a wrong guess at the tenant secret";

        await using var tab = await browser.OpenAsync(center.RestAddress);
        var sent = Capture(tab.Page);
        await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tab.OpenUntilAsync("quarantine", "#quarantine-table td.item-path[data-sealed-path]", "the item is listed");
        await Assertions.Expect(tab.Page.Locator("#quarantine-table td.item-path")).ToHaveTextAsync("encrypted");
        await tab.Page.Locator("#paths-secret").FillAsync(wrongSecret);
        await tab.Page.ClickAsync("#unlock-paths");
        await Assertions.Expect(tab.Page.Locator("#unlock-error")).ToContainTextAsync("wrong tenant secret");
        await tab.Page.Locator("#paths-secret").FillAsync(Secret);
        await tab.Page.ClickAsync("#unlock-paths");
        var row = tab.Page.Locator($"#quarantine-table tr:has(td.item-path[data-path='{world.Path}'])");
        await Assertions.Expect(row).ToHaveCountAsync(1);

        await row.Locator("button.restore").ClickAsync();
        await tab.Page.Locator("#tenant-secret").FillAsync(wrongSecret);
        await tab.Page.ClickAsync("#confirm-secret");
        await Assertions.Expect(tab.Page.Locator("#restore-error")).ToContainTextAsync("wrong tenant secret");
        Assert.Equal("in-vault", await StateAsync(Driver.Client(tenant.AdminToken), world.RecordId));

        await tab.Page.Locator("#tenant-secret").FillAsync(Secret);
        await tab.Page.ClickAsync("#confirm-secret");
        await Assertions.Expect(row.Locator("td.item-state")).ToHaveTextAsync("restore-requested");

        var order = Assert.Single(await PendingAsync(world));
        Assert.Equal(world.DataKey, RestoreKeyWrap.Unwrap(world.AgentKey, world.ItemId, order.WrappedDataKey.Span));
        string everything;
        lock (sent)
        {
            everything = string.Join('\n', sent);
        }
        // What was captured is what the page sent: the restore key it made travelled over the console's connection.
        Assert.Contains(Convert.ToBase64String(order.WrappedDataKey.Span), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(world.DataKey), everything, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(world.DataKey), everything, StringComparison.OrdinalIgnoreCase);
        // The path opened in the page stays in the page, and the center holds it only sealed.
        Assert.DoesNotContain(world.Path, everything, StringComparison.Ordinal);
        Assert.False(await DatabaseContainsAsync(Secret), "the tenant secret reached the center's database");
        Assert.False(await DatabaseContainsAsync(world.Path), "the original path reached the center's database in clear");
    }

    [Fact]
    public async Task The_console_makes_the_key_pair_in_the_browser_and_the_center_gets_only_what_it_cannot_open()
    {
        var tenant = await Driver.CreateTenantAsync();
        await using var tab = await browser.OpenAsync(center.RestAddress);
        var sent = Capture(tab.Page);
        await tab.SignInAsync(tenant.Name, "admin", tenant.AdminPassword);
        await tab.OpenAsync("quarantine", "#create-key");
        await tab.Page.Locator("#new-secret").FillAsync(Secret);
        await tab.Page.Locator("#new-secret-again").FillAsync(Secret + " but mistyped");
        await tab.Page.ClickAsync("#create-key-button");
        await Assertions.Expect(tab.Page.Locator("#create-key-error")).ToContainTextAsync("differ");
        await tab.Page.Locator("#new-secret").FillAsync(Secret);
        await tab.Page.Locator("#new-secret-again").FillAsync(Secret);
        await tab.Page.ClickAsync("#create-key-button");
        await Assertions.Expect(tab.Page.Locator("#unlock-paths")).ToBeVisibleAsync();

        // What the browser wrote is what .NET reads (ImportFromEncryptedPem) with the secret, and nothing else opens it.
        var admin = Driver.Client(tenant.AdminToken);
        var key = (await admin.GetFromJsonAsync<QuarantineKeyResponse>("/api/v1/quarantine/key"))!;
        var privateKey = (await admin.GetFromJsonAsync<QuarantinePrivateKeyResponse>("/api/v1/quarantine/key/private"))!;
        using (var opened = QuarantineKeys.ImportPrivateKeyPem(privateKey.EncryptedPrivateKeyPem, Secret))
        {
            Assert.Equal(key.Fingerprint, opened.Fingerprint);
            Assert.Equal(3072, opened.PublicKey.KeySize);
        }
        Assert.Throws<QuarantineException>(() => QuarantineKeys.ImportPrivateKeyPem(privateKey.EncryptedPrivateKeyPem, Secret + "!"));
        lock (sent)
        {
            Assert.DoesNotContain(sent, frame => frame.Contains(Secret, StringComparison.Ordinal));
            Assert.Contains(sent, frame => frame.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal));
        }
        Assert.False(await DatabaseContainsAsync(Secret), "the tenant secret reached the center's database");
    }

    [Fact]
    public async Task A_quarantine_item_reported_with_its_path_in_clear_is_refused_at_ingestion()
    {
        var tenant = await Driver.CreateTenantAsync();
        var agent = await Driver.EnrolAsync(tenant);
        var path = $"/home/{IntegrationDriver.Unique("bob")}/salaries.xlsx";
        var batch = new Lightshield.Protocol.Center.EventBatch();
        batch.Events.Add(new AgentEventMessage
        {
            EventId = Guid.NewGuid().ToString(),
            Type = QuarantineRestores.ItemEventType,
            PayloadJson = JsonSerializer.Serialize(new
            {
                itemId = QuarantineItemId.New(),
                path,
                encryptedPath = Convert.ToBase64String(new byte[384 + 28]),
                names = new[] { "x" },
                sha256 = new string('a', 64),
                size = 1,
                quarantinedAt = DateTimeOffset.UtcNow,
                wrappedDataKey = Convert.ToBase64String(new byte[384]),
                keyFingerprint = new string('b', 64),
            }),
        });
        var ack = await Driver.Agents.ReportEventsAsync(batch, IntegrationDriver.Bearer(agent.Credential));
        Assert.Equal((0, 1), (ack.Accepted, ack.Rejected));
        Assert.False(await DatabaseContainsAsync(path), "a quarantined file's path was stored in clear");
    }

    /// <summary>Everything <paramref name="page"/> sends from now on: WebSocket frames (the console's connection) and
    /// requests with their bodies. Lock the list to read it.</summary>
    private static List<string> Capture(IPage page)
    {
        var sent = new List<string>();
        page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) =>
        {
            lock (sent)
            {
                sent.Add(frame.Text ?? Encoding.UTF8.GetString(frame.Binary ?? []));
            }
        };
        page.Request += (_, request) =>
        {
            lock (sent)
            {
                sent.Add(request.Url + " " + request.PostData);
            }
        };
        return sent;
    }

    /// <summary>A tenant with the uploaded key, an agent enrolled with its own RSA key, and one vault item whose data key
    /// the test knows (as only the VM would).</summary>
    private async Task<World> WorldAsync(WorldTenant tenant, QuarantineKeyRequest upload)
    {
        var admin = Driver.Client(tenant.AdminToken);
        using (var created = await admin.PostAsJsonAsync("/api/v1/quarantine/key", upload))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }
        var agentKey = RSA.Create(3072);
        var request = IntegrationDriver.EnrolRequest(await Driver.EnrolmentTokenAsync(tenant), hostName: IntegrationDriver.Unique("vm"));
        request.AgentPublicKey = ByteString.CopyFrom(agentKey.ExportSubjectPublicKeyInfo());
        var agentId = Guid.Parse((await Driver.Agents.EnrolAsync(request)).AgentId);
        var world = new World(tenant.Id, agentId, agentKey, upload.PublicKeyPem!, Guid.Empty, "", [], "");
        var item = await AddItemAsync(world, $"/home/{IntegrationDriver.Unique("alice")}/invoice.pdf");
        return world with { RecordId = item.RecordId, ItemId = item.ItemId, DataKey = item.DataKey, Path = item.Path };
    }

    private async Task<World> AddItemAsync(World world, string path)
    {
        var itemId = QuarantineItemId.New();
        var dataKey = RandomNumberGenerator.GetBytes(QuarantineKeys.DataKeySize);
        var tenantKey = QuarantineKeys.ImportPublicKeyPem(world.TenantPublicKeyPem);
        var payload = JsonSerializer.Serialize(new
        {
            itemId,
            encryptedPath = Convert.ToBase64String(QuarantinePathSeal.Seal(tenantKey, itemId, path)),
            names = new[] { "Eicar-Signature" },
            sha256 = new string('c', 64),
            size = 68,
            quarantinedAt = DateTimeOffset.UtcNow,
            wrappedDataKey = Convert.ToBase64String(QuarantineKeys.WrapDataKey(tenantKey, QuarantineItemId.ToBytes(itemId), dataKey)),
            keyFingerprint = tenantKey.Fingerprint,
        });
        await using var scope = TenantScopeOf(world);
        await scope.ServiceProvider.GetRequiredService<QuarantineRestores>().RecordItemsAsync(world.AgentId,
            [new AgentEventMessage { EventId = Guid.NewGuid().ToString(), Type = QuarantineRestores.ItemEventType, PayloadJson = payload }], default);
        var recordId = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().QuarantineItems.Where(i => i.ItemId == itemId)
            .Select(i => i.Id).SingleAsync();
        return world with { RecordId = recordId, ItemId = itemId, DataKey = dataKey, Path = path };
    }

    private AsyncServiceScope TenantScopeOf(World world) =>
        center.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(world.TenantId));

    private async Task<IReadOnlyList<Lightshield.Protocol.Center.RestoreOrder>> PendingAsync(World world)
    {
        await using var scope = TenantScopeOf(world);
        return await scope.ServiceProvider.GetRequiredService<QuarantineRestores>().PendingAsync(world.AgentId, default);
    }

    private static async Task<string> StateAsync(HttpClient admin, Guid recordId) =>
        (await admin.GetFromJsonAsync<QuarantineItemResponse>($"/api/v1/quarantine/{recordId}"))!.State;

    private async Task<bool> DatabaseContainsAsync(string text)
    {
        await using var stream = new FileStream(center.Database.FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        var wal = center.Database.FilePath + "-wal";
        var bytes = copy.ToArray().Concat(File.Exists(wal) ? await ReadSharedAsync(wal) : []).ToArray();
        return bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>The member references of <paramref name="assembly"/>'s code, as <c>Type.Member</c>.</summary>
    private static HashSet<string> CalledMembers(Assembly assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly.Location));
        var metadata = pe.GetMetadataReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in metadata.MemberReferences)
        {
            var member = metadata.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                var type = metadata.GetTypeReference((TypeReferenceHandle)member.Parent);
                names.Add($"{metadata.GetString(type.Name)}.{metadata.GetString(member.Name)}");
            }
        }
        return names;
    }

    private sealed record World(Guid TenantId, Guid AgentId, RSA AgentKey, string TenantPublicKeyPem, Guid RecordId, string ItemId, byte[] DataKey,
        string Path) : IDisposable
    {
        public void Dispose() => AgentKey.Dispose();
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Lightshield.Center.Persistence;
using Lightshield.Center.Quarantine;
using Lightshield.Center.Tenancy;
using Lightshield.Quarantine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Wire = Lightshield.Protocol.Center;

namespace Lightshield.Cli.Tests.Admin;

/// <summary>The CLI's side of "the tenant secret never reaches the center": <c>quarantine-key create</c> and
/// <c>quarantine-items restore</c> open nothing at the center. The key is made and encrypted by the CLI, a restore key
/// is made by the CLI from what the center hands out, and the secret appears nowhere in the center's database.</summary>
public sealed class QuarantineRestoreAdversarialTests(CliCenter center) : IClassFixture<CliCenter>, IDisposable
{
    private const string Secret = "the tenant secret, kept in a file of the tenant";
    private const string OriginalPath = "/srv/www/invoice.pdf.exe";
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("lightshield-cli-secret-");

    [Fact]
    public async Task A_restore_through_the_cli_works_and_the_center_never_holds_the_secret()
    {
        var tenant = await center.TenantShellAsync();
        var secretFile = Write("secret", Secret + "\n");
        var created = await tenant.JsonAsync("quarantine-key", "create", "--secret-file", secretFile);
        Assert.Equal(64, created.GetProperty("fingerprint").GetString()!.Length);
        var tenantKey = QuarantineKeys.ImportPublicKeyPem((await tenant.JsonAsync("quarantine-key", "show")).GetProperty("publicKeyPem").GetString()!);

        var groupId = (await tenant.JsonAsync("groups", "create", "--name", "web")).GetProperty("id").GetString()!;
        var token = (await tenant.JsonAsync("enrolment-tokens", "create", "--name", "t", "--group", groupId)).GetProperty("token").GetString()!;
        using var agentKey = RSA.Create(3072);
        var (agentId, tenantId) = await EnrolAsync(token, agentKey);
        var itemId = QuarantineItemId.New();
        var dataKey = RandomNumberGenerator.GetBytes(QuarantineKeys.DataKeySize);
        await RecordItemAsync(tenantId, agentId, itemId, QuarantineKeys.WrapDataKey(tenantKey, QuarantineItemId.ToBytes(itemId), dataKey),
            QuarantinePathSeal.Seal(tenantKey, itemId, OriginalPath), tenantKey.Fingerprint);
        var sealedList = await tenant.RunAsync("quarantine-items", "list");
        Assert.Contains("encrypted", sealedList.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(OriginalPath, sealedList.Output, StringComparison.Ordinal);
        var listed = (await tenant.JsonAsync("quarantine-items", "list", "--secret-file", secretFile)).EnumerateArray().Single();
        Assert.Equal(OriginalPath, listed.GetProperty("path").GetString());
        var recordId = listed.GetProperty("id").GetString()!;

        var wrong = await tenant.RunAsync("quarantine-items", "restore", recordId[..8], "--secret-file", Write("wrong", "not the tenant secret\n"));
        Assert.Equal(ExitCodes.Error, wrong.ExitCode);
        Assert.Contains("wrong passphrase", wrong.Error, StringComparison.Ordinal);
        Assert.Empty(await PendingAsync(tenantId, agentId));

        var restored = await tenant.RunAsync("quarantine-items", "restore", recordId[..8], "--secret-file", secretFile);
        Assert.True(restored.ExitCode == ExitCodes.Clean, restored.Error);
        var order = Assert.Single(await PendingAsync(tenantId, agentId));
        Assert.Equal(dataKey, RestoreKeyWrap.Unwrap(agentKey, itemId, order.WrappedDataKey.Span));

        var database = await File.ReadAllBytesAsync(center.DatabasePath);
        var wal = center.DatabasePath + "-wal";
        byte[] everything = [.. database, .. File.Exists(wal) ? await File.ReadAllBytesAsync(wal) : []];
        Assert.True(everything.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Secret)) < 0, "the tenant secret reached the center's database");
        Assert.True(everything.AsSpan().IndexOf(dataKey) < 0, "a data key in clear reached the center's database");
        Assert.True(everything.AsSpan().IndexOf(Encoding.UTF8.GetBytes(OriginalPath)) < 0, "the original path reached the center's database in clear");
    }

    public void Dispose() => _files.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_files.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<(Guid AgentId, Guid TenantId)> EnrolAsync(string token, RSA agentKey)
    {
        await using var scope = center.Services.CreateAsyncScope();
        var enrolled = await scope.ServiceProvider.GetRequiredService<Lightshield.Center.Integration.AgentEnrolment>().EnrolAsync(new Wire.EnrolRequest
        {
            EnrolmentToken = token,
            HostName = "web-01",
            HypervisorHost = "host-a",
            VirtualCpus = 2,
            AgentPublicKey = ByteString.CopyFrom(agentKey.ExportSubjectPublicKeyInfo()),
            AgentProofKey = ByteString.CopyFrom(Lightshield.Protocol.Credentials.ProofKey.Generate().PublicKeyInfo),
        }, default);
        return (Guid.Parse(enrolled.AgentId), Guid.Parse(enrolled.TenantId));
    }

    private async Task RecordItemAsync(Guid tenantId, Guid agentId, string itemId, byte[] wrappedDataKey, byte[] sealedPath, string fingerprint)
    {
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(tenantId));
        var payload = JsonSerializer.Serialize(new
        {
            itemId,
            encryptedPath = Convert.ToBase64String(sealedPath),
            names = new[] { "Eicar-Test-Signature" },
            sha256 = new string('a', 64),
            size = 68,
            quarantinedAt = DateTimeOffset.UtcNow,
            wrappedDataKey = Convert.ToBase64String(wrappedDataKey),
            keyFingerprint = fingerprint,
        });
        await scope.ServiceProvider.GetRequiredService<QuarantineRestores>().RecordItemsAsync(agentId,
            [new Wire.AgentEventMessage { EventId = Guid.NewGuid().ToString(), Type = QuarantineRestores.ItemEventType, PayloadJson = payload }], default);
        Assert.True(await scope.ServiceProvider.GetRequiredService<CenterDbContext>().QuarantineItems.AnyAsync(i => i.ItemId == itemId));
    }

    private async Task<IReadOnlyList<Wire.RestoreOrder>> PendingAsync(Guid tenantId, Guid agentId)
    {
        await using var scope = center.Services.GetRequiredService<IServiceScopeFactory>().CreateScope(TenantScope.ForTenant(tenantId));
        return await scope.ServiceProvider.GetRequiredService<QuarantineRestores>().PendingAsync(agentId, default);
    }
}

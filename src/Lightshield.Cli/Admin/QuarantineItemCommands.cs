using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lightshield.Quarantine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield quarantine-items list|restore|delete</c>: my agents' quarantined files at the center. A
/// restore opens the tenant key here with the tenant secret, unwraps the item's data key here and sends the center only
/// that key wrapped to the agent holding the item.</summary>
public static class QuarantineItemCommands
{
    private static readonly ItemKind Item = new("quarantine item", "quarantine?pageSize=500", "id");

    private static readonly Column[] Columns =
    [
        new("Id", "id"), new("Quarantined (UTC)", "quarantinedAt"), new("Agent", "agentHostName"), new("Path", "path", Wrap: true),
        new("Threats", "names", Wrap: true), new("State", "state"),
    ];

    public static System.CommandLine.Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("quarantine-items", "Quarantined files of my agents, and their restore (the tenant secret stays here)", environment);
        var secret = new TenantSecretInput();
        group.Add("list", "List quarantined files, newest first; with the tenant secret, their original paths (opened here)", secret.Options, async run =>
        {
            var items = JsonNode.Parse((await run.Api.GetAsync("quarantine?pageSize=500", run.CancellationToken).ConfigureAwait(false)).GetRawText())!
                .AsArray();
            using var tenantKey = secret.Given(run) ? await OpenTenantKeyAsync(run, secret.Read(run)).ConfigureAwait(false) : null;
            foreach (var item in items.OfType<JsonObject>())
            {
                item["path"] = tenantKey is null ? "encrypted" : OpenPath(tenantKey, item);
            }
            run.Output.List(JsonSerializer.SerializeToElement(items), Columns);
            return ExitCodes.Clean;
        });
        var id = AdminGroup.IdArgument(Item);
        group.Add("restore", "Order the restore of a file: its key is unwrapped here and sent to the center wrapped to the agent only",
            [id, .. secret.Options], async run =>
            {
                var itemId = await run.IdAsync(Item, id).ConfigureAwait(false);
                var material = await run.Api.GetAsync(AdminGroup.Path("quarantine/{0}/restore-material", itemId), run.CancellationToken)
                    .ConfigureAwait(false);
                using var tenantKey = await OpenTenantKeyAsync(run, secret.Read(run)).ConfigureAwait(false);
                var agentWrappedKey = RestoreKey(material, tenantKey);
                var answer = await run.Api.PostAsync(AdminGroup.Path("quarantine/{0}/restore", itemId), new { agentWrappedKey },
                    run.CancellationToken).ConfigureAwait(false);
                run.Output.Result($"restore of {itemId} ordered: the agent restores the file at its next sync", answer, answer, Columns);
                return ExitCodes.Clean;
            });
        group.Delete("delete", "Forget a quarantined file: its key is erased at the center, so it can never be restored through it", Item,
            "quarantine/{0}");
        return group.Command;
    }

    /// <summary>The tenant's private key from the center, opened here with the secret.</summary>
    private static async Task<QuarantinePrivateKey> OpenTenantKeyAsync(AdminInvocation run, string secret)
    {
        var pem = (await run.Api.GetAsync("quarantine/key/private", run.CancellationToken).ConfigureAwait(false))
            .GetProperty("encryptedPrivateKeyPem").GetString()!;
        try
        {
            return QuarantineKeys.ImportPrivateKeyPem(pem, secret);
        }
        catch (QuarantineException e)
        {
            throw new AdminException(e.Message, e);
        }
    }

    private static string OpenPath(QuarantinePrivateKey tenantKey, JsonObject item)
    {
        try
        {
            return QuarantinePathSeal.Open(tenantKey, (string)item["itemId"]!, Convert.FromBase64String((string)item["encryptedPath"]!));
        }
        catch (Exception e) when (e is QuarantineException or FormatException or InvalidOperationException)
        {
            return $"? ({e.Message})";
        }
    }

    /// <summary>The item's data key, unwrapped with the tenant key and wrapped to the agent.</summary>
    private static byte[] RestoreKey(JsonElement material, QuarantinePrivateKey tenantKey)
    {
        try
        {
            var wrapped = new QuarantineWrappedKey(material.GetProperty("itemId").GetString()!, material.GetProperty("keyFingerprint").GetString()!,
                material.GetProperty("wrappedDataKey").GetBytesFromBase64());
            return RestoreKeyWrap.Rewrap(tenantKey, wrapped, material.GetProperty("agentPublicKey").GetBytesFromBase64());
        }
        catch (QuarantineException e)
        {
            throw new AdminException(e.Message, e);
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw new AdminException("the center's restore material is damaged: " + e.Message, e);
        }
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;
using Spectre.Console;

namespace Lightshield.Cli.Quarantine;

/// <summary><c>lightshield quarantine list</c>: the items of a vault, from their plaintext manifests; with
/// <c>--key</c>, also each item's original path (decrypted).</summary>
public static class QuarantineListCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Command Create()
    {
        var vault = QuarantineCommand.VaultOption();
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table" };
        var key = new Option<string?>("--key") { Description = "Private key file: also decrypt and show each item's original path" };
        var passphraseEnv = QuarantineCommand.PassphraseEnvOption();
        var command = new Command("list", "List the items of a vault (no key needed; --key adds original paths)") { vault, json, key, passphraseEnv };
        command.SetAction((parse, _) => QuarantineCommand.RunAsync(parse, output =>
        {
            var store = new QuarantineStore(parse.GetValue(vault)!);
            using var privateKey = parse.GetValue(key) is { } keyFile
                ? QuarantineCommand.LoadPrivateKey(keyFile, parse.GetValue(passphraseEnv), parse.InvocationConfiguration.Error)
                : null;
            var entries = store.List().Select(item => new Entry(item, OriginalPath(store, item, privateKey))).ToList();
            var unreadable = store.ListUnreadable();
            if (parse.GetValue(json))
            {
                WriteJson(output, store.DirectoryPath, entries, unreadable);
            }
            else
            {
                WriteTable(output, entries, unreadable, privateKey is not null);
            }
            return Task.CompletedTask;
        }));
        return command;
    }

    private static string? OriginalPath(QuarantineStore store, QuarantineItem item, QuarantinePrivateKey? key)
    {
        if (key is null)
        {
            return null;
        }
        try
        {
            return store.ReadFileMetadata(item.Id, key).OriginalPath;
        }
        catch (QuarantineException exception)
        {
            return $"? ({exception.Message})";
        }
    }

    private static void WriteJson(TextWriter output, string vault, List<Entry> entries, IReadOnlyList<QuarantineUnreadableItem> unreadable)
    {
        var document = new
        {
            vault,
            items = entries.Select(entry => new
            {
                entry.Item.Id,
                entry.Item.QuarantinedAt,
                entry.Item.Detections,
                entry.Item.Sha256,
                entry.Item.Size,
                entry.Item.AgentId,
                entry.Item.KeyFingerprint,
                entry.OriginalPath,
            }),
            unreadable,
        };
        output.WriteLine(JsonSerializer.Serialize(document, JsonOptions));
    }

    private static void WriteTable(TextWriter output, List<Entry> entries, IReadOnlyList<QuarantineUnreadableItem> unreadable, bool withPaths)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        if (entries.Count == 0 && unreadable.Count == 0)
        {
            console.WriteLine("The vault is empty.");
            return;
        }
        // The id and time never wrap, so an id can be copied from an 80-column terminal; the SHA-256 is in --json.
        var table = new Table()
            .AddColumn(new TableColumn("Id").NoWrap())
            .AddColumn(new TableColumn("Quarantined (UTC)").NoWrap())
            .AddColumn(new TableColumn("Bytes").RightAligned())
            .AddColumn("Detections");
        if (withPaths)
        {
            table.AddColumn("Original path");
        }
        foreach (var (item, path) in entries)
        {
            string[] cells = [item.Id, item.QuarantinedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                item.Size.ToString(CultureInfo.InvariantCulture), string.Join(", ", item.Detections)];
            table.AddRow([.. cells.Concat(withPaths ? [path ?? string.Empty] : []).Select(Markup.Escape)]);
        }
        console.Write(table);
        foreach (var item in unreadable)
        {
            console.WriteLine($"unreadable item {item.Id}: {item.Reason}");
        }
    }

    private sealed record Entry(QuarantineItem Item, string? OriginalPath);
}

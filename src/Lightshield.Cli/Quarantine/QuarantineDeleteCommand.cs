using System.CommandLine;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Cli.Quarantine;

/// <summary><c>lightshield quarantine delete ID</c>: removes an item from a vault for good.</summary>
public static class QuarantineDeleteCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("id") { Description = "Item id, as `lightshield quarantine list` shows it" };
        var vault = QuarantineCommand.VaultOption();
        var command = new Command("delete", "Delete an item from a vault (it cannot be restored afterwards)") { id, vault };
        command.SetAction((parse, _) => QuarantineCommand.RunAsync(parse, async output =>
        {
            new QuarantineStore(parse.GetValue(vault)!).Delete(parse.GetValue(id)!);
            await output.WriteLineAsync($"deleted {parse.GetValue(id)}").ConfigureAwait(false);
        }));
        return command;
    }
}

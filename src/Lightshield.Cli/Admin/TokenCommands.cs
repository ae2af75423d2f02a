using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield tokens list|create|revoke</c>: API tokens for automation (they act as their creator).</summary>
public static class TokenCommands
{
    private static readonly Column[] Columns =
        [new("Id", "id"), new("Name", "name"), new("User", "userId"), new("Created (UTC)", "createdAt"), new("Expires (UTC)", "expiresAt"), new("Revoked (UTC)", "revokedAt")];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("tokens", "API tokens for automation (pass one with --token or LIGHTSHIELD_TOKEN)", environment);
        group.List("List API tokens (administrators see all of their side)", "tokens", Columns);
        var name = new Option<string>("--name") { Description = "What the token is for", Required = true };
        var days = new Option<int?>("--expires-in-days") { Description = "1 to 366 (default 90)" };
        group.Add("create", "Create an API token for myself; the secret is shown once", [name, days], async run =>
        {
            var created = await run.Api.PostAsync("tokens", new { name = run.Value(name), expiresInDays = run.Value(days) }, run.CancellationToken)
                .ConfigureAwait(false);
            run.Output.Result($"created API token {run.Value(name)}", created, created.GetProperty("info"), Columns);
            SecretLine(run, created);
            return ExitCodes.Clean;
        });
        group.Delete("revoke", "Revoke an API token", ItemKind.Token, "tokens/{0}");
        return group.Command;
    }

    /// <summary>Prints a created token's secret (tables only: <c>--json</c> has it in the answer).</summary>
    internal static void SecretLine(AdminInvocation run, System.Text.Json.JsonElement created)
    {
        if (!run.Output.Json)
        {
            run.Output.Writer.WriteLine($"token: {created.GetProperty("token").GetString()} (shown only now)");
        }
    }
}

using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield enrolment-tokens list|create|revoke</c>: tokens that let agents enrol into a group (tenant-admin).</summary>
public static class EnrolmentTokenCommands
{
    private static readonly Column[] Columns =
        [new("Id", "id"), new("Name", "name"), new("Group", "groupId"), new("Created (UTC)", "createdAt"), new("Expires (UTC)", "expiresAt"), new("Revoked (UTC)", "revokedAt")];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("enrolment-tokens", "Enrolment tokens: agents enrol into a group with one", environment);
        group.List("List enrolment tokens", "enrolment-tokens", Columns);
        var name = new Option<string>("--name") { Description = "What the token is for", Required = true };
        var groupId = AdminGroup.ItemOption("--group", ItemKind.Group, "agents enrol into it", required: true);
        var days = new Option<int?>("--expires-in-days") { Description = "1 to 3660 (default: valid until revoked)" };
        group.Add("create", "Create an enrolment token for a group; the secret is shown once", [name, groupId, days], async run =>
        {
            var created = await run.Api.PostAsync("enrolment-tokens",
                new { name = run.Value(name), groupId = await run.IdAsync(ItemKind.Group, groupId).ConfigureAwait(false), expiresInDays = run.Value(days) }, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"created enrolment token {run.Value(name)}", created, created.GetProperty("info"), Columns);
            TokenCommands.SecretLine(run, created);
            return ExitCodes.Clean;
        });
        group.Delete("revoke", "Revoke an enrolment token (enrolled agents stay)", ItemKind.EnrolmentToken, "enrolment-tokens/{0}");
        return group.Command;
    }
}

using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield users list|create|delete</c>: a tenant-admin's users of the tenant, a provider-admin's of the provider.</summary>
public static class UserCommands
{
    private static readonly Column[] Columns = [new("Id", "id"), new("User", "userName"), new("Role", "role"), new("Created (UTC)", "createdAt")];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("users", "Users of my tenant (or the provider's users)", environment);
        group.List("List users", "users", Columns);
        var name = new Option<string>("--name") { Description = "User name", Required = true };
        var role = new Option<string>("--role")
        {
            Description = "provider-admin or provider-operator (provider); tenant-admin, tenant-operator or tenant-auditor (tenant)",
            Required = true,
        };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (default: generate a one-time password)" };
        group.Add("create", "Create a user; without --password-stdin a one-time password is generated and shown once", [name, role, passwordStdin], async run =>
        {
            var password = run.Value(passwordStdin) ? await run.Environment.StandardInput.ReadLineAsync(run.CancellationToken).ConfigureAwait(false) : null;
            var created = await run.Api.PostAsync("users", new { userName = run.Value(name), role = run.Value(role), password }, run.CancellationToken)
                .ConfigureAwait(false);
            run.Output.Result($"created user {run.Value(name)}", created, created.GetProperty("user"), Columns);
            if (!run.Output.Json && created.GetProperty("generatedPassword").GetString() is { } generated)
            {
                run.Output.Writer.WriteLine($"one-time password: {generated} (shown only now)");
            }
            return ExitCodes.Clean;
        });
        group.Delete("delete", "Delete a user and its tokens", ItemKind.User, "users/{0}");
        return group.Command;
    }
}

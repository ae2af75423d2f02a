using System.CommandLine;
using System.Text.Json;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield login</c> and <c>logout</c>: sign in to a center with a password and keep its URL and
/// bearer token in the stored-login file (mode 0600); sign out and revoke that token.</summary>
public static class LoginCommands
{
    public static Command Login(CliEnvironment environment)
    {
        var options = new AdminOptions();
        var tenant = new Option<string?>("--tenant") { Description = "The tenant's name (omit for a provider user)" };
        var user = new Option<string>("--user") { Description = "User name", Required = true };
        var passwordStdin = new Option<bool>("--password-stdin")
        {
            Description = "Read the password from standard input instead of asking (and, when the center requires a change at first "
                + "sign-in, the new password from the second line)",
        };
        var command = new Command("login", "Sign in to a center; later admin commands use the stored URL and token") { tenant, user, passwordStdin };
        options.AddTo(command, withToken: false);
        command.SetAction((parse, cancellationToken) => AdminGroup.RunAsync(parse, options, environment, async run =>
        {
            var password = parse.GetValue(passwordStdin)
                ? (await environment.StandardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.TrimEnd('\r')
                : environment.ReadSecret("Password:");
            if (string.IsNullOrEmpty(password))
            {
                throw new AdminException("no password given");
            }
            using var anonymous = new CenterApiClient(run.Connection with { Token = null });
            JsonElement answer;
            var changed = false;
            try
            {
                answer = await anonymous.PostAsync("auth/login",
                    new { tenant = parse.GetValue(tenant), userName = parse.GetValue(user), password }, cancellationToken).ConfigureAwait(false);
            }
            catch (AdminException exception) when (exception.ProblemType == PasswordChangeRequired)
            {
                // Someone else chose this password (a new tenant's first admin): choose a new one, in the same sign-in.
                var newPassword = parse.GetValue(passwordStdin)
                    ? (await environment.StandardInput.ReadLineAsync(cancellationToken).ConfigureAwait(false))?.TrimEnd('\r')
                    : NewPasswordFromTerminal(environment);
                if (string.IsNullOrEmpty(newPassword))
                {
                    throw new AdminException("the center requires a new password at this first sign-in: with --password-stdin, give it on the "
                        + "second line of standard input");
                }
                answer = await anonymous.PostAsync("auth/login",
                    new { tenant = parse.GetValue(tenant), userName = parse.GetValue(user), password, newPassword }, cancellationToken)
                    .ConfigureAwait(false);
                changed = true;
            }
            var token = answer.GetProperty("token").GetString()!;
            var login = new StoredLogin
            {
                Center = run.Connection.Center.ToString(),
                Token = token,
                TokenId = await FindTokenIdAsync(run.Connection with { Token = token }, answer, cancellationToken).ConfigureAwait(false),
                CenterCertSha256 = run.Connection.CertificateSha256,
                Tenant = parse.GetValue(tenant),
                User = parse.GetValue(user)!,
                ExpiresAt = answer.GetProperty("expiresAt").GetDateTimeOffset(),
            };
            login.Save(environment.ConfigPath);
            var who = login.Tenant is null ? login.User : $"{login.User} of tenant {login.Tenant}";
            run.Output.Message($"{(changed ? "password changed; " : "")}logged in to {login.Center} as {who} ({answer.GetProperty("role").GetString()}) until "
                + $"{Column.Format(answer.GetProperty("expiresAt"))} UTC; token stored in {environment.ConfigPath}", Redacted(answer));
            return ExitCodes.Clean;
        }, cancellationToken));
        return command;
    }

    /// <summary>The problem type of a sign-in whose password must be changed first.</summary>
    public const string PasswordChangeRequired = "urn:lightshield:password-change-required";

    private static string NewPasswordFromTerminal(CliEnvironment environment)
    {
        var first = environment.ReadSecret("This password must be changed now. New password (at least 12 characters):");
        var again = environment.ReadSecret("New password again:");
        return first == again ? first : throw new AdminException("the two new passwords differ");
    }

    public static Command Logout(CliEnvironment environment)
    {
        var command = new Command("logout", "Revoke the stored token on its center and forget it");
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            try
            {
                if (StoredLogin.Load(environment.ConfigPath) is not { } login)
                {
                    await output.WriteLineAsync("not logged in").ConfigureAwait(false);
                    return ExitCodes.Clean;
                }
                if (login.TokenId is { } tokenId)
                {
                    await RevokeAsync(login, tokenId, parse.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
                }
                File.Delete(environment.ConfigPath);
                await output.WriteLineAsync($"logged out of {login.Center}").ConfigureAwait(false);
                return ExitCodes.Clean;
            }
            catch (Exception exception) when (exception is AdminException or IOException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }
        });
        return command;
    }

    private static async Task RevokeAsync(StoredLogin login, Guid tokenId, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            using var api = new CenterApiClient(new CenterConnection(CenterConnection.ParseCenter(login.Center), login.Token, login.CenterCertSha256));
            await api.DeleteAsync($"tokens/{tokenId}", cancellationToken).ConfigureAwait(false);
        }
        catch (AdminException exception)
        {
            await error.WriteLineAsync($"warning: the token could not be revoked on the center ({exception.Message}); forgetting it anyway")
                .ConfigureAwait(false);
        }
    }

    /// <summary>The login answer has no token id; the login token is the one named <c>login</c> of this user that
    /// expires exactly then. Null when it cannot be told apart (logout then only forgets the token).</summary>
    private static async Task<Guid?> FindTokenIdAsync(CenterConnection connection, JsonElement login, CancellationToken cancellationToken)
    {
        using var api = new CenterApiClient(connection);
        var tokens = await api.GetAsync("tokens", cancellationToken).ConfigureAwait(false);
        var userId = login.GetProperty("userId").GetGuid();
        var expiresAt = login.GetProperty("expiresAt").GetDateTimeOffset();
        var matches = tokens.EnumerateArray().Where(t => t.GetProperty("name").GetString() == "login"
            && t.GetProperty("userId").GetGuid() == userId
            && (t.GetProperty("expiresAt").GetDateTimeOffset() - expiresAt).Duration() < TimeSpan.FromMilliseconds(1)).ToList();
        return matches.Count == 1 ? matches[0].GetProperty("id").GetGuid() : null;
    }

    private static JsonElement Redacted(JsonElement answer) => JsonSerializer.SerializeToElement(new
    {
        expiresAt = answer.GetProperty("expiresAt"),
        userId = answer.GetProperty("userId"),
        role = answer.GetProperty("role"),
        tenantId = answer.GetProperty("tenantId"),
    });
}

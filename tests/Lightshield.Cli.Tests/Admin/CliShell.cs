using System.Text.Json;
using Lightshield.Cli.Admin;

namespace Lightshield.Cli.Tests.Admin;

/// <summary>Runs <c>lightshield</c> in-process as one user would in one shell: one stored-login file, standard input
/// given per run, output and errors captured.</summary>
public sealed class CliShell(string configPath)
{
    public string ConfigPath { get; } = configPath;

    public async Task<CliResult> RunAsync(params string[] arguments) => await RunWithInputAsync("", arguments);

    public async Task<CliResult> RunWithInputAsync(string input, params string[] arguments)
    {
        var environment = new CliEnvironment
        {
            ConfigPath = ConfigPath,
            GetVariable = _ => null,
            StandardInput = new StringReader(input),
            ReadSecret = _ => throw new AdminException("no terminal in tests"),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLineRunner.RunAsync(LightshieldCommand.Create(environment), arguments, output, error);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs with <c>--json</c> and expects success.</summary>
    public async Task<JsonElement> JsonAsync(params string[] arguments)
    {
        var result = await RunAsync([.. arguments, "--json"]);
        Assert.True(result.ExitCode == ExitCodes.Clean, $"lightshield {string.Join(' ', arguments)} exited {result.ExitCode}: {result.Error}");
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    /// <summary>Signs in; <paramref name="newPassword"/> answers the center's demand for a new password at a first sign-in
    /// (second line of standard input).</summary>
    public async Task LoginAsync(string center, string? tenant, string user, string password, string? newPassword = null)
    {
        string[] arguments = ["login", "--center", center, "--user", user, "--password-stdin", .. tenant is null ? Array.Empty<string>() : ["--tenant", tenant]];
        var result = await RunWithInputAsync(password + "\n" + (newPassword is null ? "" : newPassword + "\n"), arguments);
        Assert.True(result.ExitCode == ExitCodes.Clean, $"login of {user} exited {result.ExitCode}: {result.Error}");
    }
}

public sealed record CliResult(int ExitCode, string Output, string Error);

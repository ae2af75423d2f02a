using Spectre.Console;

namespace Lightshield.Cli.Admin;

/// <summary>What the admin commands take from the process: the stored-login file, environment variables, standard
/// input and the password prompt. Tests pass their own so that nothing touches the user's home or terminal.</summary>
public sealed record CliEnvironment
{
    /// <summary>Where <c>lightshield login</c> stores the center's URL and token.</summary>
    public required string ConfigPath { get; init; }

    /// <summary>Reads an environment variable (<c>LIGHTSHIELD_CENTER</c>, <c>LIGHTSHIELD_TOKEN</c>).</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Standard input, for <c>--password-stdin</c> and <c>--file -</c>.</summary>
    public required TextReader StandardInput { get; init; }

    /// <summary>Asks for a secret on the terminal without echo; throws <see cref="AdminException"/> without a terminal.</summary>
    public required Func<string, string> ReadSecret { get; init; }

    /// <summary>The real process: <c>$XDG_CONFIG_HOME/lightshield/cli.json</c> (default <c>~/.config</c>), the
    /// process environment, the console.</summary>
    public static CliEnvironment Process { get; } = new()
    {
        ConfigPath = Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"),
            "lightshield", "cli.json"),
        GetVariable = Environment.GetEnvironmentVariable,
        StandardInput = Console.In,
        ReadSecret = prompt => Console.IsInputRedirected
            ? throw new AdminException("no terminal to ask for the password on: pipe it in with --password-stdin")
            // On standard error, so that `login --json > file` keeps only the JSON.
            : AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) })
                .Prompt(new TextPrompt<string>(prompt).Secret(null)),
    };
}

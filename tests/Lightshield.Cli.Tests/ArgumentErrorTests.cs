using System.CommandLine;
using Lightshield.Cli.Admin;

namespace Lightshield.Cli.Tests;

/// <summary>Every command answers bad input with one line on standard error and exit 2, never the whole help or a stack
/// trace.</summary>
public sealed class ArgumentErrorTests
{
    [Theory]
    [InlineData("tasks", "list", "--no-such-option")]
    [InlineData("licences", "grant", "--vcpus", "many")]
    [InlineData("scan", "--server", "http://[bad")]
    public async Task BadArgument_OneLineOnStandardError_Exit2(params string[] arguments)
    {
        var root = LightshieldCommand.Create(Environment());
        var (exitCode, output, error) = await RunAsync(root, arguments);

        Assert.Equal(ExitCodes.Error, exitCode);
        Assert.Equal("", output);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{root.Name} {arguments[0]}", line, StringComparison.Ordinal);
        Assert.Contains("--help", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnhandledFailure_OneLineWithTheMessage_Exit2_NoStackTrace()
    {
        var command = new Command("explode");
        command.SetAction(new Func<ParseResult, int>(_ => throw new InvalidOperationException("the disk is on fire")));
        var root = new RootCommand("test") { command };

        var (exitCode, _, error) = await RunAsync(root, ["explode"]);

        Assert.Equal(ExitCodes.Error, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(": the disk is on fire", line.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_StillPrintsTheUsage_Exit0()
    {
        var (exitCode, output, _) = await RunAsync(LightshieldCommand.Create(Environment()), ["tasks", "--help"]);

        Assert.Equal(ExitCodes.Clean, exitCode);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(RootCommand root, string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLineRunner.RunAsync(root, arguments, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static CliEnvironment Environment() => new()
    {
        ConfigPath = Path.Combine(Path.GetTempPath(), $"lightshield-args-{Guid.NewGuid():N}.json"),
        GetVariable = _ => null,
        StandardInput = new StringReader(""),
        ReadSecret = _ => throw new AdminException("no terminal in tests"),
    };
}

using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary>What an admin command's action works with: its parsed values, the API, the output.</summary>
public sealed class AdminInvocation(ParseResult parse, CenterConnection connection, CenterApiClient api, AdminOutput output, CliEnvironment environment,
    CancellationToken cancellationToken)
{
    public CenterConnection Connection { get; } = connection;

    public CenterApiClient Api { get; } = api;

    public AdminOutput Output { get; } = output;

    public CliEnvironment Environment { get; } = environment;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public T? Value<T>(Option<T> option) => parse.GetValue(option);

    public T? Value<T>(Argument<T> argument) => parse.GetValue(argument);
}

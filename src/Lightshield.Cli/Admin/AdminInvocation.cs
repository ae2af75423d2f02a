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

    private ItemResolver Resolver => field ??= new ItemResolver(Api);

    /// <summary>The id of the item <paramref name="argument"/> names (by name or id, <see cref="ItemResolver"/>).</summary>
    public Task<string> IdAsync(ItemKind kind, Argument<string> argument) =>
        Resolver.ResolveAsync(kind, parse.GetValue(argument)!, CancellationToken);

    /// <summary>The id of the item <paramref name="option"/> names, or null when the option is not given.</summary>
    public async Task<string?> IdAsync(ItemKind kind, Option<string?> option) =>
        parse.GetValue(option) is { } typed ? await Resolver.ResolveAsync(kind, typed, CancellationToken).ConfigureAwait(false) : null;

    /// <summary>The ids of the items a repeatable <paramref name="option"/> names.</summary>
    public Task<string[]> IdsAsync(ItemKind kind, Option<string[]> option) =>
        Resolver.ResolveAllAsync(kind, parse.GetValue(option), CancellationToken);
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Lightshield.Cli.Admin;

/// <summary>A command group over one part of the REST API (<c>lightshield tenants ...</c>). It carries the
/// connection options and builds the usual subcommands (list, show, delete, a POST action) from a path and columns;
/// anything else is an <see cref="Add"/> with its own action. Every action exits 0, or prints <c>error: ...</c>
/// and exits 2.</summary>
public sealed class AdminGroup
{
    public AdminGroup(string name, string description, CliEnvironment environment)
    {
        Environment = environment;
        Command = new Command(name, description);
        Options.AddTo(Command);
    }

    public Command Command { get; }

    public AdminOptions Options { get; } = new();

    public CliEnvironment Environment { get; }

    /// <summary>Adds a subcommand (to <paramref name="parent"/>, default the group) that runs <paramref name="action"/>
    /// against the center.</summary>
    public Command Add(string name, string description, IEnumerable<Symbol> symbols, Func<AdminInvocation, Task<int>> action, Command? parent = null)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(action);
        var command = new Command(name, description);
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option option:
                    command.Add(option);
                    break;
                case Argument argument:
                    command.Add(argument);
                    break;
                default:
                    throw new ArgumentException($"{symbol.Name}: only options and arguments", nameof(symbols));
            }
        }
        command.SetAction((parse, cancellationToken) => RunAsync(parse, Options, Environment, action, cancellationToken));
        (parent ?? Command).Add(command);
        return command;
    }

    /// <summary>What the group itself does when no subcommand is given (<c>lightshield health</c>).</summary>
    public void SetDefault(Func<AdminInvocation, Task<int>> action) =>
        Command.SetAction((parse, cancellationToken) => RunAsync(parse, Options, Environment, action, cancellationToken));

    /// <summary><c>list</c>: GET <paramref name="path"/>, one row per item.</summary>
    public Command List(string description, string path, IReadOnlyList<Column> columns) =>
        Add("list", description, [], async run =>
        {
            run.Output.List(await run.Api.GetAsync(path, run.CancellationToken).ConfigureAwait(false), columns);
            return ExitCodes.Clean;
        });

    /// <summary><c>show ID</c>: GET <paramref name="pathFormat"/> (<c>{0}</c> is the id), field by field.</summary>
    public Command Show(ItemKind kind, string pathFormat, IReadOnlyList<Column> fields)
    {
        var id = IdArgument(kind);
        return Add("show", $"Show a {kind.Noun}", [id], async run =>
        {
            var itemId = await run.IdAsync(kind, id).ConfigureAwait(false);
            run.Output.Item(await run.Api.GetAsync(Path(pathFormat, itemId), run.CancellationToken).ConfigureAwait(false), fields);
            return ExitCodes.Clean;
        });
    }

    /// <summary>A DELETE of one item (delete or revoke): DELETE <paramref name="pathFormat"/>, then a sentence.</summary>
    public Command Delete(string name, string description, ItemKind kind, string pathFormat)
    {
        var id = IdArgument(kind);
        return Add(name, description, [id], async run =>
        {
            var itemId = await run.IdAsync(kind, id).ConfigureAwait(false);
            var answer = await run.Api.DeleteAsync(Path(pathFormat, itemId), run.CancellationToken).ConfigureAwait(false);
            run.Output.Message($"{Past(name)} {kind.Noun} {run.Value(id)} ({itemId})", answer);
            return ExitCodes.Clean;
        });
    }

    /// <summary>A POST on one item without a body (suspend, resume, revoke): prints the item as it is afterwards.</summary>
    public Command PostAction(string name, string description, ItemKind kind, string pathFormat, IReadOnlyList<Column> fields)
    {
        var id = IdArgument(kind);
        return Add(name, description, [id], async run =>
        {
            var itemId = await run.IdAsync(kind, id).ConfigureAwait(false);
            var answer = await run.Api.PostAsync(Path(pathFormat, itemId), null, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"{Past(name)} {kind.Noun} {run.Value(id)}", answer, answer, fields);
            return ExitCodes.Clean;
        });
    }

    /// <summary><c>create --name N [--description D]</c>: POST <c>{name, description}</c> to <paramref name="path"/>.</summary>
    public Command CreateNamed(string description, string noun, string path, IReadOnlyList<Column> fields)
    {
        var name = new Option<string>("--name") { Description = $"The {noun}'s name", Required = true };
        var about = new Option<string?>("--description") { Description = $"What the {noun} is for" };
        return Add("create", description, [name, about], async run =>
        {
            var created = await run.Api.PostAsync(path, new { name = run.Value(name), description = run.Value(about) }, run.CancellationToken)
                .ConfigureAwait(false);
            run.Output.Result($"created {noun} {run.Value(name)}", created, created, fields);
            return ExitCodes.Clean;
        });
    }

    /// <summary>An argument that names an item of <paramref name="kind"/> by name or id.</summary>
    public static Argument<string> IdArgument(ItemKind kind) => new(kind.Noun.Replace(' ', '-')) { Description = Capitalised(kind.Accepts) };

    /// <summary>An option that names an item of <paramref name="kind"/> by name or id.</summary>
    public static Option<string?> ItemOption(string name, ItemKind kind, string? purpose = null, bool required = false) =>
        new(name) { Description = Capitalised(kind.Accepts) + (purpose is null ? "" : $": {purpose}"), Required = required };

    /// <summary>A repeatable option that names items of <paramref name="kind"/> by name or id.</summary>
    public static Option<string[]> ItemsOption(string name, ItemKind kind) => new(name) { Description = Capitalised(kind.Accepts) + " (repeat for more)" };

    private static string Capitalised(string text) => string.Concat(char.ToUpperInvariant(text[0]).ToString(), text[1..]);

    /// <summary><paramref name="format"/> with the values URL-escaped.</summary>
    public static string Path(string format, params object?[] values) =>
        string.Format(CultureInfo.InvariantCulture, format,
            [.. values.Select(v => Uri.EscapeDataString(Convert.ToString(v, CultureInfo.InvariantCulture) ?? ""))]);

    private static string Past(string verb) => verb.EndsWith('e') ? verb + "d" : verb + "ed";

    /// <summary>Resolves the connection and runs <paramref name="action"/>; an expected failure prints
    /// <c>error: message</c> and exits 2.</summary>
    internal static async Task<int> RunAsync(ParseResult parse, AdminOptions options, CliEnvironment environment,
        Func<AdminInvocation, Task<int>> action, CancellationToken cancellationToken)
    {
        try
        {
            var connection = CenterConnection.Resolve(parse, options, environment);
            using var api = new CenterApiClient(connection);
            var output = new AdminOutput(parse.InvocationConfiguration.Output, parse.GetValue(options.Json));
            return await action(new AdminInvocation(parse, connection, api, output, environment, cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is AdminException or IOException or UnauthorizedAccessException or JsonException)
        {
            await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {exception.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }
}

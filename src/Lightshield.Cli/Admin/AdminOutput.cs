using System.Text.Json;
using Spectre.Console;

namespace Lightshield.Cli.Admin;

/// <summary>Prints API answers: the JSON as the center sent it with <c>--json</c>, else a Spectre.Console table
/// (lists) or a field/value grid (one item).</summary>
public sealed class AdminOutput(TextWriter writer, bool json)
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public bool Json { get; } = json;

    public TextWriter Writer { get; } = writer;

    /// <summary>An array of items as a table (or "none" when empty).</summary>
    public void List(JsonElement items, IReadOnlyList<Column> columns, string none = "(none)")
    {
        if (WriteJson(items))
        {
            return;
        }
        if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
        {
            Writer.WriteLine(none);
            return;
        }
        var table = new Table();
        foreach (var column in columns)
        {
            var header = new TableColumn(Markup.Escape(column.Header));
            table.AddColumn(column.Wrap ? header : header.NoWrap());
        }
        foreach (var item in items.EnumerateArray())
        {
            table.AddRow([.. columns.Select(column => Markup.Escape(column.Cell(item)))]);
        }
        Console().Write(table);
    }

    /// <summary>One item as a two-column grid of the given fields.</summary>
    public void Item(JsonElement item, IReadOnlyList<Column> fields)
    {
        if (WriteJson(item))
        {
            return;
        }
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var field in fields)
        {
            grid.AddRow(Markup.Escape(field.Header), Markup.Escape(field.Cell(item)));
        }
        Console().Write(grid);
    }

    /// <summary>A sentence for people; with <c>--json</c>, the answer (or nothing for an empty one).</summary>
    public void Message(string text, JsonElement answer = default)
    {
        if (Json)
        {
            if (answer.ValueKind != JsonValueKind.Undefined)
            {
                WriteJson(answer);
            }
            return;
        }
        Writer.WriteLine(text);
    }

    /// <summary>A sentence and the item it is about (a created or changed item); with <c>--json</c>, the answer.</summary>
    public void Result(string text, JsonElement answer, JsonElement item, IReadOnlyList<Column> fields)
    {
        Message(text, answer);
        if (!Json)
        {
            Item(item, fields);
        }
    }

    /// <summary>Writes <paramref name="value"/> indented when <c>--json</c> is on, or when it is not tabular.</summary>
    public bool WriteJson(JsonElement value, bool always = false)
    {
        if (!Json && !always)
        {
            return false;
        }
        Writer.WriteLine(JsonSerializer.Serialize(value, Indented));
        return true;
    }

    private IAnsiConsole Console()
    {
        var terminal = ReferenceEquals(Writer, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal)
        {
            // Piped or captured: ids and times must not wrap.
            console.Profile.Width = 250;
        }
        return console;
    }
}

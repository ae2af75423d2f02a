using System.CommandLine;
using System.Text.Json;
using Lightshield.Engine;
using Lightshield.Svm.Hosting;
using Spectre.Console;

namespace Lightshield.Svm.Database;

/// <summary><c>lightshield-svm db info|import</c>: inspect a signature database, import ClamAV files into one. On the scan
/// server's binary because only it carries the engine; exit codes 0 ok, 2 error.</summary>
public static class DatabaseCommand
{
    private const int Ok = 0;
    private const int Error = 2;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Command Create() => new("db", "Signature databases (ClamAV formats)") { Info(), Import() };

    private static Command Info()
    {
        var path = new Argument<string?>("path") { Description = "Database directory or file (default: the starter database)", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table" };
        var command = new Command("info", "Show a database's version, signature count and files") { path, json };
        command.SetAction(parse => Run(() =>
        {
            var info = DatabaseInspector.Inspect(parse.GetValue(path) ?? SvmOptions.StarterDatabase);
            if (parse.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(info, JsonOptions));
                return Ok;
            }
            AnsiConsole.MarkupLine($"Database version [bold]{Markup.Escape(info.Version)}[/], [bold]{info.SignatureCount}[/] signatures");
            var table = new Table().AddColumns("File", "Bytes", "Signatures", "CVD version", "Built", "SHA-256");
            foreach (var file in info.Files)
            {
                table.AddRow(Markup.Escape(file.Name), file.Length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    file.Signatures?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    file.CvdVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                    file.BuildTime?.ToString("u", System.Globalization.CultureInfo.InvariantCulture) ?? "-", file.Sha256[..16] + "…");
            }
            AnsiConsole.Write(table);
            return Ok;
        }));
        return command;
    }

    private static Command Import()
    {
        var source = new Argument<string>("source") { Description = "A ClamAV database file (.cvd, .cld, .hdb, .ndb, .ldb, .yar, ...) or a directory of them" };
        var database = new Option<string>("--database", "-d") { Description = "Target database directory (a scan server's Svm:DatabaseDirectory)", Required = true };
        var command = new Command("import", "Validate ClamAV database files and copy them into a scan server's database directory; a watching scan server reloads") { source, database };
        command.SetAction(parse => Run(() =>
        {
            var target = parse.GetValue(database)!;
            Directory.CreateDirectory(target);
            var imported = DatabaseImporter.Import(parse.GetValue(source)!, target);
            foreach (var file in imported)
            {
                AnsiConsole.MarkupLine($"imported [bold]{Markup.Escape(file.Name)}[/] ({file.Signatures?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} signatures)");
            }
            var info = DatabaseInspector.Inspect(target);
            AnsiConsole.MarkupLine($"{Markup.Escape(target)}: version [bold]{Markup.Escape(info.Version)}[/], {info.SignatureCount} signatures");
            return Ok;
        }));
        return command;
    }

    private static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception exception) when (exception is EngineException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"lightshield-svm: {exception.Message}");
            return Error;
        }
    }
}

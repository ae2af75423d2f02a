using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield billing export --month 2026-11 [--tenant X] [--format csv|json] [--output F]</c>: the monthly
/// report as the center writes it (the provider: every tenant; a tenant: itself).</summary>
public static class BillingCommands
{
    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("billing", "Metered vCPU usage and the monthly billing report", environment);
        var month = new Option<string>("--month") { Description = "The month, yyyy-MM (e.g. 2026-11)", Required = true };
        var tenant = AdminGroup.ItemOption("--tenant", ItemKind.Tenant, "only this tenant");
        var format = new Option<string>("--format") { Description = "csv or json (default csv)", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<FileInfo?>("--output") { Description = "Write to this file instead of standard output" };
        group.Add("export", "Export the monthly report: peak vCPUs, vCPU-hours, licensed vCPUs, overage per tenant", [month, tenant, format, output], async run =>
        {
            var path = "billing/report" + QueryString.Of(("month", run.Value(month)), ("tenant", await run.IdAsync(ItemKind.Tenant, tenant).ConfigureAwait(false)), ("format", run.Value(format)));
            var text = await run.Api.GetTextAsync(path, run.CancellationToken).ConfigureAwait(false);
            if (run.Value(output) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, text, run.CancellationToken).ConfigureAwait(false);
                await run.Output.Writer.WriteLineAsync($"wrote {file.FullName}").ConfigureAwait(false);
            }
            else
            {
                await run.Output.Writer.WriteAsync(text).ConfigureAwait(false);
            }
            return ExitCodes.Clean;
        });
        return group.Command;
    }
}

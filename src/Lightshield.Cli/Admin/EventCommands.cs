using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield events list</c>: my agents' events (detections, task progress, health), filtered and paged.
/// The table shows what a person reads first (when, what, which host, which file, which threats, what was done); the
/// whole event, payload included, is in <c>--json</c>.</summary>
public static class EventCommands
{
    private static readonly Column[] Columns =
    [
        new("Time (UTC)", "createdAt"), new("Type", "type"), new("Agent", "agentHostName"), new("Path", "path", Wrap: true),
        new("Threats", "names", Wrap: true), new("Action", "action"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("events", "Events of my tenant's agents", environment);
        var type = new Option<string?>("--type") { Description = "Only this type (e.g. detection)" };
        var agent = AdminGroup.ItemOption("--agent", ItemKind.Agent, "only its events");
        var from = new Option<DateTimeOffset?>("--from") { Description = "From this time on (ISO 8601, e.g. 2026-11-27T00:00Z)" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "Before this time" };
        var search = new Option<string?>("--search") { Description = "Text in the event's payload (a file name, a signature)" };
        var page = new Option<int?>("--page") { Description = "Page number, from 1" };
        var pageSize = new Option<int?>("--page-size") { Description = "Events per page (default 50, at most 500)" };
        group.Add("list", "List events, newest first", [type, agent, from, to, search, page, pageSize], async run =>
        {
            var query = QueryString.Of(("type", run.Value(type)), ("agentId", await run.IdAsync(ItemKind.Agent, agent).ConfigureAwait(false)), ("from", run.Value(from)), ("to", run.Value(to)),
                ("search", run.Value(search)), ("page", run.Value(page)), ("pageSize", run.Value(pageSize)));
            var answer = await run.Api.GetAsync("events" + query, run.CancellationToken).ConfigureAwait(false);
            if (run.Output.WriteJson(answer))
            {
                return ExitCodes.Clean;
            }
            run.Output.List(answer.GetProperty("events"), Columns, "(no events)");
            run.Output.Writer.WriteLine($"page {answer.GetProperty("page")}, {answer.GetProperty("pageSize")} per page, {answer.GetProperty("total")} events in all");
            return ExitCodes.Clean;
        });
        return group.Command;
    }
}

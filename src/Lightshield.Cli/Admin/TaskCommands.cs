using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield tasks list|show|start</c>: a tenant's scans, started now on agents and/or a group.</summary>
public static class TaskCommands
{
    private static readonly Column[] Columns =
    [
        new("Id", "id"), new("Kind", "kind"), new("Paths", "paths"), new("Scheduled", "scheduleName"), new("Group", "groupId"),
        new("Created (UTC)", "createdAt"), new("By", "createdBy"), new("Agents", "progress.agents"), new("Running", "progress.running"),
        new("Done", "progress.completed"), new("Failed", "progress.failed"), new("Files", "progress.filesScanned"),
        new("Infected", "progress.filesInfected"),
    ];

    private static readonly Column[] RunColumns =
    [
        new("Agent", "agentId"), new("State", "state"), new("Not before (UTC)", "notBefore"), new("Delivered", "delivered"), new("Files", "filesScanned"),
        new("Infected", "filesInfected"), new("Failed", "filesFailed"), new("Bytes read", "bytesRead"), new("Message", "message"),
        new("Updated (UTC)", "updatedAt"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("tasks", "Scan tasks of my tenant: start one now, follow its progress per agent", environment);
        var page = new Option<int?>("--page") { Description = "Page number, from 1" };
        var pageSize = new Option<int?>("--page-size") { Description = "Tasks per page (default 50, at most 500)" };
        group.Add("list", "List tasks, newest first", [page, pageSize], async run =>
        {
            var query = QueryString.Of(("page", run.Value(page)), ("pageSize", run.Value(pageSize)));
            run.Output.List(await run.Api.GetAsync("tasks" + query, run.CancellationToken).ConfigureAwait(false), Columns);
            return ExitCodes.Clean;
        });
        var id = AdminGroup.IdArgument(ItemKind.Task);
        group.Add("show", "Show a task and its progress on each agent", [id], async run =>
        {
            var taskId = await run.IdAsync(ItemKind.Task, id).ConfigureAwait(false);
            var task = await run.Api.GetAsync(AdminGroup.Path("tasks/{0}", taskId), run.CancellationToken).ConfigureAwait(false);
            var runs = await run.Api.GetAsync(AdminGroup.Path("tasks/{0}/runs", taskId), run.CancellationToken).ConfigureAwait(false);
            if (!run.Output.WriteJson(System.Text.Json.JsonSerializer.SerializeToElement(new { task, runs })))
            {
                run.Output.Item(task, Columns);
                run.Output.List(runs, RunColumns, "(no agent has this task yet)");
            }
            return ExitCodes.Clean;
        });
        AddStart(group);
        return group.Command;
    }

    private static void AddStart(AdminGroup group)
    {
        var kind = new Option<string>("--kind") { Description = "scan (the given paths), full-scan or memory-scan", Required = true };
        kind.AcceptOnlyFromAmong("scan", "full-scan", "memory-scan");
        var paths = new Option<string[]>("--path") { Description = "An absolute path to scan (repeat for more; kind scan only)" };
        var agents = AdminGroup.ItemsOption("--agent", ItemKind.Agent);
        var groupId = AdminGroup.ItemOption("--group", ItemKind.Group, "every agent of it");
        var force = new Option<bool>("--force") { Description = "Rescan files even when their cached verdict is current" };
        group.Add("start", "Start a scan now on agents and/or a group", [kind, paths, agents, groupId, force], async run =>
        {
            var task = await run.Api.PostAsync("tasks", new
            {
                kind = run.Value(kind),
                paths = run.Value(paths) ?? [],
                agentIds = await run.IdsAsync(ItemKind.Agent, agents).ConfigureAwait(false),
                groupId = await run.IdAsync(ItemKind.Group, groupId).ConfigureAwait(false),
                force = run.Value(force),
            }, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"started task {task.GetProperty("id").GetString()}", task, task, Columns);
            return ExitCodes.Clean;
        });
    }
}

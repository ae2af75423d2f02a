using System.CommandLine;
using Lightshield.Agent.Center;
using Lightshield.Agent.Diagnostics;
using Lightshield.Agent.Storage;
using Lightshield.CommandLine;
using Spectre.Console;

namespace Lightshield.Agent.Jobs;

/// <summary><c>lightshield-agent scan|status|health|enrol</c>: hand an on-demand scan to the running agent through its queue (the
/// agent listens on no socket), and follow it (exit codes as clamscan's: 0 clean, 1 found, 2 error); its counters; its
/// enrolment at first boot (<see cref="EnrolCommand"/>).</summary>
public static class LocalTaskCommands
{
    public const string DefaultState = "/var/lib/lightshield/agent";

    /// <summary>Whether <paramref name="args"/> ask for one of these commands rather than the agent itself.</summary>
    public static bool Handles(string[] args) => args is ["scan" or "status" or "health" or "enrol" or "--help" or "-h", ..];

    public static Task<int> RunAsync(string[] args)
    {
        var state = new Option<string>("--state") { Description = "The agent's state directory", DefaultValueFactory = _ => DefaultState };
        var root = new RootCommand("lightshield-agent: the Lightshield light agent. Without a command it runs the agent (a service).")
        {
            Scan(state), Status(state), AgentHealthCommand.Create(state, TimeProvider.System), EnrolCommand.Create(state),
        };
        return CommandLineRunner.RunAsync(root, args);
    }

    private static Command Scan(Option<string> state)
    {
        var paths = new Argument<string[]>("paths") { Description = "Files and directories to scan", Arity = ArgumentArity.OneOrMore };
        var scheduled = new Option<bool>("--scheduled") { Description = "Queue at scheduled priority instead of on-demand" };
        var wait = new Option<bool>("--wait") { Description = "Follow the task until it finishes; exit 1 if anything was found" };
        var command = new Command("scan", "Queue an on-demand scan for the agent") { paths, scheduled, wait, state };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var database = Open(parse.GetValue(state)!);
            if (database is null)
            {
                return ExitCodes.Error;
            }
            var queue = new JobQueue(database, TimeProvider.System);
            var roots = parse.GetValue(paths)!.Select(Path.GetFullPath).ToList();
            var missing = roots.Where(p => !File.Exists(p) && !Directory.Exists(p)).ToList();
            if (missing.Count > 0)
            {
                await Console.Error.WriteLineAsync($"lightshield-agent: no such file or directory: {string.Join(", ", missing)}");
                return ExitCodes.Error;
            }
            var task = await queue.CreateTaskAsync("on-demand", parse.GetValue(scheduled) ? JobPriority.Scheduled : JobPriority.OnDemand, roots, cancellationToken);
            AnsiConsole.MarkupLine($"queued task [bold]{task}[/]");
            if (!parse.GetValue(wait))
            {
                return ExitCodes.Clean;
            }
            TaskProgress progress;
            while ((progress = (await queue.GetTaskAsync(task, cancellationToken))!).FinishedAt is null)
            {
                await Task.Delay(500, cancellationToken);
            }
            Print(progress);
            return progress.Infected > 0 ? ExitCodes.Found : progress.Errors > 0 ? ExitCodes.Error : ExitCodes.Clean;
        });
        return command;
    }

    private static Command Status(Option<string> state)
    {
        var task = new Argument<string>("task") { Description = "Task id, as `agent scan` printed it" };
        var command = new Command("status", "Show a task's progress") { task, state };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var database = Open(parse.GetValue(state)!);
            var progress = database is null ? null : await new JobQueue(database, TimeProvider.System).GetTaskAsync(parse.GetValue(task)!, cancellationToken);
            if (progress is null)
            {
                await Console.Error.WriteLineAsync($"lightshield-agent: no task {parse.GetValue(task)}");
                return ExitCodes.Error;
            }
            Print(progress);
            return ExitCodes.Clean;
        });
        return command;
    }

    private static AgentDatabase? Open(string state)
    {
        var path = Path.Combine(state, "agent.db");
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"lightshield-agent: no agent state at {state} (is lightshield-agent installed and started? see docs/agent.md)");
            return null;
        }
        return new AgentDatabase(path);
    }

    private static void Print(TaskProgress progress)
    {
        var table = new Table().AddColumns("Task", "State", "Files", "Infected", "Errors", "Read (MB)", "Queued");
        table.AddRow(progress.Id, progress.FinishedAt is null ? "running" : "finished", progress.FilesDone.ToString(System.Globalization.CultureInfo.InvariantCulture),
            progress.Infected.ToString(System.Globalization.CultureInfo.InvariantCulture), progress.Errors.ToString(System.Globalization.CultureInfo.InvariantCulture),
            (progress.BytesRead / 1048576.0).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture), progress.Pending.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AnsiConsole.Write(table);
    }
}

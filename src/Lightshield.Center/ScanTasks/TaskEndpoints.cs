using Lightshield.Center.Api;
using Lightshield.Center.Identity;
using Lightshield.Center.Queries;

namespace Lightshield.Center.ScanTasks;

/// <summary><c>/api/v1/tasks</c>: a tenant's scans — start one now, follow progress per agent (tenant-private), through
/// <see cref="TaskQueries"/> and <see cref="TaskDispatch"/>.</summary>
internal static class TaskEndpoints
{
    public static void MapTaskEndpoints(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks").RequireAuthorization(Policies.TenantReader);
        tasks.MapGet("/", async (TaskQueries queries, int? page, int? pageSize, CancellationToken ct) =>
            TypedResults.Ok((await queries.ListAsync(PageRequest.Of(page, pageSize), ct)).Items.Select(TaskResponse.From)))
            .WithSummary("My tasks, newest first (paged: ?page=N&pageSize=M, at most 500).");
        tasks.MapGet("/{taskId:guid}", async (Guid taskId, TaskQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.GetAsync(taskId, ct), TaskResponse.From, "task", taskId))
            .WithSummary("A task with its progress summed over its agents.");
        tasks.MapGet("/{taskId:guid}/runs", async (Guid taskId, TaskQueries queries, CancellationToken ct) =>
            ApiProblems.OkOrNotFound(await queries.RunsAsync(taskId, ct), runs => runs.Select(TaskRunResponse.From), "task", taskId))
            .WithSummary("A task's progress per agent.");
        tasks.MapPost("/", CreateAsync).RequireAuthorization(Policies.TenantOperator)
            .WithSummary("Start a scan now on agents and/or a group: kind scan (paths), full-scan or memory-scan.");
    }

    private static async Task<IResult> CreateAsync(TaskRequest request, TaskDispatch dispatch, CancellationToken ct)
    {
        var agentIds = request.AgentIds ?? [];
        var task = await dispatch.ScanNowAsync(new ScanNowRequest(TaskRunStates.ParseKind(request.Kind), request.Paths ?? [], agentIds,
            request.GroupId, request.Force), ct);
        return task is null
            ? ApiProblems.NotFound("agent or group", request.GroupId ?? agentIds[0])
            : TypedResults.Created($"{ApiEndpoints.Prefix}/tasks/{task.Id}", TaskResponse.From(new TaskView(task, request.Paths ?? [], TaskSummary.Empty)));
    }
}

public sealed record TaskRequest(string? Kind, IReadOnlyList<string>? Paths, IReadOnlyList<Guid>? AgentIds, Guid? GroupId, bool Force);

/// <param name="Progress">Runs per state (running includes waiting for a full-scan lease) and files over all agents.</param>
public sealed record TaskResponse(Guid Id, string Kind, IReadOnlyList<string> Paths, bool Scheduled, string? ScheduleName, Guid? GroupId,
    bool Force, DateTimeOffset CreatedAt, string CreatedBy, TaskSummary Progress)
{
    public static TaskResponse From(TaskView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var task = view.Task;
        return new(task.Id, TaskRunStates.KindName(task.Kind), view.Paths, task.Scheduled, task.ScheduleName, task.GroupId, task.Force,
            task.CreatedAt, task.CreatedBy, view.Progress);
    }
}

public sealed record TaskRunResponse(Guid AgentId, string? AgentHostName, DateTimeOffset NotBefore, string State, bool Delivered, long FilesScanned,
    long FilesInfected, long FilesFailed, long BytesRead, string? Message, DateTimeOffset UpdatedAt)
{
    public static TaskRunResponse From(TaskRunView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var run = view.Run;
        return new(run.AgentId, view.AgentHostName, DateTimeOffset.FromUnixTimeMilliseconds(run.NotBeforeUnixMs), TaskRunStates.Name(run.State),
            run.Delivered, run.FilesScanned, run.FilesInfected, run.FilesFailed, run.BytesRead, run.Message, run.UpdatedAt);
    }
}

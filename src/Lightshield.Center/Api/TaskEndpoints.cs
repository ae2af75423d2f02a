using System.Text.Json;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Center.ScanTasks;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Api;

/// <summary><c>/api/v1/tasks</c>: a tenant's scans — start one now, follow progress per agent (tenant-private).</summary>
internal static class TaskEndpoints
{
    public const int MaxPageSize = 500;

    public static void MapTaskEndpoints(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks").RequireAuthorization(Policies.TenantReader);
        tasks.MapGet("/", ListAsync).WithSummary("My tasks, newest first (paged).");
        tasks.MapGet("/{taskId:guid}", GetAsync).WithSummary("A task with its progress summed over its agents.");
        tasks.MapGet("/{taskId:guid}/runs", RunsAsync).WithSummary("A task's progress per agent.");
        tasks.MapPost("/", CreateAsync).RequireAuthorization(Policies.TenantOperator)
            .WithSummary("Start a scan now on agents and/or a group: kind scan (paths), full-scan or memory-scan.");
    }

    private static async Task<IResult> ListAsync(CenterDbContext db, int? page, int? pageSize, CancellationToken ct)
    {
        var size = Math.Clamp(pageSize ?? 50, 1, MaxPageSize);
        var skip = Math.Max(0, (page ?? 1) - 1) * size;
        var tasks = await db.ScanTasks.AsNoTracking().OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id).Skip(skip).Take(size).ToListAsync(ct);
        var ids = tasks.Select(t => t.Id).ToList();
        var summaries = await Summaries(db, ids, ct);
        return TypedResults.Ok(tasks.Select(t => TaskResponse.From(t, summaries.GetValueOrDefault(t.Id))));
    }

    private static async Task<IResult> GetAsync(Guid taskId, CenterDbContext db, CancellationToken ct)
    {
        var task = await db.ScanTasks.AsNoTracking().FirstOrDefaultAsync(t => t.Id == taskId, ct);
        if (task is null)
        {
            return ApiProblems.NotFound("task", taskId);
        }
        var summaries = await Summaries(db, [taskId], ct);
        return TypedResults.Ok(TaskResponse.From(task, summaries.GetValueOrDefault(taskId)));
    }

    private static async Task<IResult> RunsAsync(Guid taskId, CenterDbContext db, CancellationToken ct)
    {
        if (!await db.ScanTasks.AnyAsync(t => t.Id == taskId, ct))
        {
            return ApiProblems.NotFound("task", taskId);
        }
        var runs = await db.AgentTaskRuns.AsNoTracking().Where(r => r.TaskId == taskId).OrderBy(r => r.NotBeforeUnixMs).ToListAsync(ct);
        return TypedResults.Ok(runs.Select(TaskRunResponse.From));
    }

    private static async Task<IResult> CreateAsync(TaskRequest request, TaskDispatch dispatch, CancellationToken ct)
    {
        if (!Enum.TryParse<ScanTaskKind>(request.Kind?.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var kind)
            || !Enum.IsDefined(kind))
        {
            return ApiProblems.BadRequest("'kind' must be scan, full-scan or memory-scan.");
        }
        var paths = request.Paths ?? [];
        if (ScanNowPaths.Problem(kind, paths) is { } pathProblem)
        {
            return ApiProblems.BadRequest(pathProblem);
        }
        var agentIds = request.AgentIds ?? [];
        if (agentIds.Count == 0 && request.GroupId is null)
        {
            return ApiProblems.BadRequest("Name the agents ('agentIds') and/or a 'groupId' to scan.");
        }
        var task = await dispatch.ScanNowAsync(kind, kind == ScanTaskKind.Scan ? paths : [], agentIds, request.GroupId, request.Force, ct);
        return task is null
            ? ApiProblems.NotFound("agent or group", request.GroupId ?? agentIds[0])
            : TypedResults.Created($"{ApiEndpoints.Prefix}/tasks/{task.Id}", TaskResponse.From(task, null));
    }

    private static async Task<Dictionary<Guid, TaskSummary>> Summaries(CenterDbContext db, List<Guid> taskIds, CancellationToken ct) =>
        (await db.AgentTaskRuns.AsNoTracking().Where(r => taskIds.Contains(r.TaskId))
            .GroupBy(r => r.TaskId)
            .Select(g => new
            {
                TaskId = g.Key,
                Agents = g.Count(),
                Completed = g.Count(r => r.State == TaskRunState.Completed),
                Failed = g.Count(r => r.State == TaskRunState.Failed),
                Running = g.Count(r => r.State == TaskRunState.Running || r.State == TaskRunState.WaitingForLease),
                FilesScanned = g.Sum(r => r.FilesScanned),
                FilesInfected = g.Sum(r => r.FilesInfected),
            }).ToListAsync(ct))
        .ToDictionary(s => s.TaskId, s => new TaskSummary(s.Agents, s.Running, s.Completed, s.Failed, s.FilesScanned, s.FilesInfected));
}

public sealed record TaskRequest(string? Kind, IReadOnlyList<string>? Paths, IReadOnlyList<Guid>? AgentIds, Guid? GroupId, bool Force);

public sealed record TaskSummary(int Agents, int Running, int Completed, int Failed, long FilesScanned, long FilesInfected);

public sealed record TaskResponse(Guid Id, string Kind, IReadOnlyList<string> Paths, bool Scheduled, string? ScheduleName, Guid? GroupId,
    bool Force, DateTimeOffset CreatedAt, string CreatedBy, TaskSummary Progress)
{
    public static TaskResponse From(ScanTask task, TaskSummary? summary) => new(task.Id, KindName(task.Kind),
        JsonSerializer.Deserialize<string[]>(task.PathsJson) ?? [], task.Scheduled, task.ScheduleName, task.GroupId, task.Force,
        task.CreatedAt, task.CreatedBy, summary ?? new TaskSummary(0, 0, 0, 0, 0, 0));

    public static string KindName(ScanTaskKind kind) => kind switch
    {
        ScanTaskKind.FullScan => "full-scan",
        ScanTaskKind.MemoryScan => "memory-scan",
        _ => "scan",
    };
}

public sealed record TaskRunResponse(Guid AgentId, DateTimeOffset NotBefore, string State, bool Delivered, long FilesScanned, long FilesInfected,
    long FilesFailed, long BytesRead, string? Message, DateTimeOffset UpdatedAt)
{
    public static TaskRunResponse From(AgentTaskRun run) => new(run.AgentId, DateTimeOffset.FromUnixTimeMilliseconds(run.NotBeforeUnixMs),
        run.State.ToString().ToLowerInvariant(), run.Delivered, run.FilesScanned, run.FilesInfected, run.FilesFailed, run.BytesRead,
        run.Message, run.UpdatedAt);
}

using System.Collections.Concurrent;
using System.Data.Common;
using Lightshield.Center.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Lightshield.Center.Tests.Integration;

/// <summary>Every SQL command the center runs while it answers an agent's <c>Sync</c> call (told apart from background
/// work by the request it runs for), as EF Core sends it to the database.</summary>
public sealed class SyncStatementRecorder(IHttpContextAccessor requests) : DbCommandInterceptor
{
    private readonly ConcurrentQueue<string> _statements = new();

    /// <summary>The statements recorded since the last call.</summary>
    public IReadOnlyList<string> Take()
    {
        var taken = new List<string>();
        while (_statements.TryDequeue(out var statement))
        {
            taken.Add(statement);
        }
        return taken;
    }

    /// <summary>Whether <paramref name="statement"/> changes rows (EF Core may batch several statements in one command).</summary>
    public static bool Writes(string statement) =>
        statement.Split(';').Select(s => s.TrimStart()).Any(s => s.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase) || s.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("MERGE", StringComparison.OrdinalIgnoreCase));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Record(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        Record(command);
        return ValueTask.FromResult(result);
    }

    private void Record(DbCommand command)
    {
        if (requests.HttpContext?.Request.Path.Value?.EndsWith("/Sync", StringComparison.Ordinal) == true)
        {
            _statements.Enqueue(command.CommandText);
        }
    }
}

/// <summary>A center that records the statements of each sync (<see cref="SyncStatementRecorder"/>) and writes contacts
/// only every minute on its own, so a test decides when they are flushed.</summary>
public sealed class SyncStatementsFixture<TDatabase> : CenterFixture<TDatabase> where TDatabase : TestDatabase, new()
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings { get; } = new Dictionary<string, string?>
    {
        ["Center:Integration:ContactFlushInterval"] = "00:01:00",
    };

    public SyncStatementRecorder Recorder => Services.GetRequiredService<SyncStatementRecorder>();

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddSingleton<SyncStatementRecorder>();
        services.AddSingleton<IInterceptor>(sp => sp.GetRequiredService<SyncStatementRecorder>());
    }
}

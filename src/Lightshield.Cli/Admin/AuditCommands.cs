using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield audit list|verify</c>: read my audit log; verify the whole hash chain (provider-admin).
/// <c>verify</c> exits 0 when the chain is intact and 1 when it is broken.</summary>
public static class AuditCommands
{
    private static readonly Column[] Columns =
    [
        new("Seq", "sequence"), new("Time (UTC)", "time"), new("Actor", "actor"), new("Tenant", "tenantId"), new("Action", "action"), new("Target", "target"),
        new("Details", "details", Wrap: true),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("audit", "The hash-chained audit log. verify exits 0 intact, 1 broken, 2 error.", environment);
        var after = new Option<long?>("--after") { Description = "Only rows after this sequence number (to page on)" };
        var limit = new Option<int?>("--limit") { Description = "At most this many rows (default 100, at most 1000)" };
        var action = new Option<string?>("--action") { Description = "Only rows of this action (e.g. quarantine.restore, policy.update)" };
        group.Add("list", "List audit rows of my log, oldest first", [after, limit, action], async run =>
        {
            var query = QueryString.Of(("after", run.Value(after)), ("limit", run.Value(limit)), ("action", run.Value(action)));
            var rows = await run.Api.GetAsync("audit" + query, run.CancellationToken).ConfigureAwait(false);
            run.Output.List(rows, Columns, "(no audit rows)");
            return ExitCodes.Clean;
        });
        group.Add("verify", "Verify the whole chain; report the first changed, removed or reordered row", [], async run =>
        {
            var result = await run.Api.PostAsync("audit/verify", null, run.CancellationToken).ConfigureAwait(false);
            var rows = result.GetProperty("verifiedRows").GetInt64();
            if (result.GetProperty("valid").GetBoolean())
            {
                run.Output.Message($"audit chain intact: {rows} rows verified", result);
                return ExitCodes.Clean;
            }
            var at = result.GetProperty("firstBrokenSequence") is { ValueKind: System.Text.Json.JsonValueKind.Number } row ? $" at row {row}" : "";
            run.Output.Message($"audit chain BROKEN{at}: {result.GetProperty("problem").GetString()} ({rows} rows before it verified)", result);
            return ExitCodes.ChainBroken;
        });
        return group.Command;
    }
}

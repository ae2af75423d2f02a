using System.CommandLine;
using System.Text.RegularExpressions;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield hunts list|show|start|quarantine</c>: which of my VMs hold files with these SHA-256 (decision 32).</summary>
public static partial class HuntCommands
{
    private static readonly Column[] Columns =
    [
        new("Id", "id"), new("Kind", "kind"), new("Hashes", "hashes"), new("Created (UTC)", "createdAt"), new("By", "createdBy"), new("Agents", "agents"),
        new("Answered", "answered"), new("Files", "matches"),
    ];

    private static readonly Column[] FileColumns =
    [
        new("Agent", "agent"), new("Answered", "answered"), new("Path", "path"), new("State", "state"), new("Size", "size"),
        new("First seen (UTC)", "lastScannedAt"), new("SHA-256", "sha256"), new("Quarantine", "quarantine"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("hunts", "Hunt files by SHA-256 across my VMs: start a hunt, see which VMs hold them", environment);
        var page = new Option<int?>("--page") { Description = "Page number, from 1" };
        var pageSize = new Option<int?>("--page-size") { Description = "Hunts per page (default 50, at most 500)" };
        group.Add("list", "List hunts, newest first, with agents answered and files found", [page, pageSize], async run =>
        {
            var query = QueryString.Of(("page", run.Value(page)), ("pageSize", run.Value(pageSize)));
            run.Output.List(await run.Api.GetAsync("hunts" + query, run.CancellationToken).ConfigureAwait(false), Columns);
            return ExitCodes.Clean;
        });
        var id = AdminGroup.IdArgument(ItemKind.Hunt);
        group.Add("show", "Show a hunt: per agent, whether it answered and the files it holds", [id], async run =>
        {
            var huntId = await run.IdAsync(ItemKind.Hunt, id).ConfigureAwait(false);
            var hunt = await run.Api.GetAsync(AdminGroup.Path("hunts/{0}", huntId), run.CancellationToken).ConfigureAwait(false);
            var agents = await run.Api.GetAsync(AdminGroup.Path("hunts/{0}/agents", huntId), run.CancellationToken).ConfigureAwait(false);
            if (!run.Output.WriteJson(System.Text.Json.JsonSerializer.SerializeToElement(new { hunt, agents })))
            {
                run.Output.Item(hunt, Columns);
                var rows = new List<object>();
                foreach (var agent in agents.EnumerateArray())
                {
                    var name = agent.GetProperty("agentHostName").GetString() ?? agent.GetProperty("agentId").GetString();
                    var answered = agent.GetProperty("answered").GetBoolean() ? "yes" : "not yet";
                    var files = agent.GetProperty("files");
                    var quarantine = agent.TryGetProperty("quarantine", out var q) ? q.GetString() ?? "" : "";
                    if (files.GetArrayLength() == 0)
                    {
                        rows.Add(new { agent = name, answered, path = "", state = "", size = "", lastScannedAt = "", sha256 = "", quarantine });
                    }
                    foreach (var file in files.EnumerateArray())
                    {
                        rows.Add(new
                        {
                            agent = name,
                            answered,
                            path = file.GetProperty("path").GetString(),
                            state = file.GetProperty("state").GetString(),
                            size = file.GetProperty("size").GetInt64(),
                            lastScannedAt = file.GetProperty("lastScannedAt").GetString(),
                            sha256 = file.GetProperty("sha256").GetString(),
                            quarantine,
                        });
                    }
                }
                run.Output.List(System.Text.Json.JsonSerializer.SerializeToElement(rows), FileColumns, "(the tenant has no agent)");
            }
            return ExitCodes.Clean;
        });
        var (hashes, file) = HashOptions();
        group.Add("start", "Hunt SHA-256 (at most 10,000) on every VM of my tenant", [hashes, file], async run =>
        {
            var all = await HashesAsync(run, hashes, file).ConfigureAwait(false);
            var hunt = await run.Api.PostAsync("hunts", new { sha256 = all }, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"started hunt {hunt.GetProperty("id").GetString()} for {hunt.GetProperty("hashes").GetInt32()} hashes", hunt, hunt, Columns);
            return ExitCodes.Clean;
        });
        group.Add("quarantine", "Quarantine every file a hunt found that is still there (each agent at its next sync)", [id], async run =>
        {
            var huntId = await run.IdAsync(ItemKind.Hunt, id).ConfigureAwait(false);
            var answer = await run.Api.PostAsync(AdminGroup.Path("hunts/{0}/quarantine", huntId), null, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"asked {answer.GetProperty("agents").GetInt32()} agents to quarantine the files of hunt {huntId}", answer, answer,
                [new("Agents asked", "agents")]);
            return ExitCodes.Clean;
        });
        return group.Command;
    }

    /// <summary><c>--sha256</c> (repeated) and <c>--file</c> (an IOC file), as every hunt start takes them.</summary>
    internal static (Option<string[]> Hashes, Option<FileInfo?> File) HashOptions() => (
        new Option<string[]>("--sha256") { Description = "A SHA-256 to hunt (64 hex digits; repeat for more)" },
        new Option<FileInfo?>("--file") { Description = "An IOC file: every 64-hex-digit word in it is hunted" });

    /// <summary>The hashes given with <paramref name="hashes"/> and every 64-hex-digit word of the <paramref name="file"/>.</summary>
    internal static async Task<List<string>> HashesAsync(AdminInvocation run, Option<string[]> hashes, Option<FileInfo?> file)
    {
        var all = (run.Value(hashes) ?? []).ToList();
        if (run.Value(file) is { } ioc)
        {
            all.AddRange(Sha256Word().Matches(await File.ReadAllTextAsync(ioc.FullName, run.CancellationToken).ConfigureAwait(false))
                .Select(m => m.Value));
        }
        return all;
    }

    [GeneratedRegex(@"\b[0-9A-Fa-f]{64}\b")]
    private static partial Regex Sha256Word();
}

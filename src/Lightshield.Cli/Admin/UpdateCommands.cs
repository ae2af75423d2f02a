using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary><c>lightshield updates import|list|show|promote|rollback|status|hosts|tenants|signing-key</c> (provider):
/// the update mirror, the staged rollout, update status and the offline signing key.</summary>
public static class UpdateCommands
{
    private static readonly Column[] VersionColumns =
    [
        new("Id", "id"), new("Database version", "databaseVersion"), new("Signatures", "signatureCount"), new("Files", "fileCount"),
        new("Bytes", "totalBytes"), new("Imported (UTC)", "importedAt"), new("By", "importedBy"), new("Description", "description"),
    ];

    private static readonly Column[] FileColumns =
    [
        new("Name", "name"), new("Format", "format"), new("SHA-256", "sha256"), new("Bytes", "length"), new("DB version", "databaseVersion"),
        new("Signatures", "signatures"), new("Built (UTC)", "buildTime"), new("Sent to scan servers", "distributed"),
    ];

    private static readonly Column[] RolloutColumns =
    [
        new("Rollout", "id"), new("Kind", "kind"), new("Target", "targetVersionId"), new("Baseline", "baselineVersionId"), new("Phase", "phase"),
        new("Started (UTC)", "startedAt"), new("To all (UTC)", "fullAt"), new("By", "startedBy"), new("Halted because", "haltReason"),
    ];

    private static readonly Column[] StatusColumns =
    [
        new("Rollout", "rolloutId"), new("Kind", "kind"), new("Target", "targetVersionId"), new("Database version", "targetDatabaseVersion"),
        new("Baseline", "baselineVersionId"), new("Phase", "phase"), new("Canaries", "canaries"), new("Started (UTC)", "startedAt"),
        new("To all (UTC)", "fullAt"), new("Halted because", "haltReason"), new("Latest version", "latestVersionId"), new("Servers", "servers"),
    ];

    private static readonly Column[] HostColumns =
    [
        new("Server", "serverId"), new("Hypervisor host", "hypervisorHost"), new("Segment", "segment"), new("Health", "health"), new("Canary", "canary"),
        new("Running", "runningVersionId"), new("Engine database", "databaseVersion"), new("Target", "targetVersionId"), new("State", "state"),
        new("Error", "lastError"), new("Last check (UTC)", "lastCheckAt"),
    ];

    private static readonly Column[] TenantColumns =
    [
        new("Tenant", "tenantName"), new("Id", "tenantId"), new("Agents", "agents"), new("On a current server", "onCurrentServer"),
        new("On an out-of-date server", "onOutOfDateServer"), new("Unknown", "unknown"),
    ];

    public static Command Create(CliEnvironment environment)
    {
        var group = new AdminGroup("updates", "Signature updates (provider): mirror versions, staged rollout, status per scan server and tenant",
            environment);
        AddImport(group);
        group.Command.Add(UpdateSigning.CreateKeyCommand());
        group.List("List imported versions, newest first", "updates/versions", VersionColumns);
        var id = AdminGroup.IdArgument(ItemKind.Version);
        group.Add("show", "Show a version and its files", [id], async run =>
        {
            var detail = await run.Api.GetAsync(AdminGroup.Path("updates/versions/{0}", await run.IdAsync(ItemKind.Version, id).ConfigureAwait(false)), run.CancellationToken).ConfigureAwait(false);
            if (!run.Output.WriteJson(detail))
            {
                run.Output.Item(detail.GetProperty("version"), VersionColumns);
                run.Output.List(detail.GetProperty("files"), FileColumns);
            }
            return ExitCodes.Clean;
        });
        var promoted = AdminGroup.IdArgument(ItemKind.Version);
        group.Add("promote", "Roll a version out: canary scan servers first, all after the soak time", [promoted], async run =>
        {
            var rollout = await run.Api.PostAsync(AdminGroup.Path("updates/versions/{0}/promote", await run.IdAsync(ItemKind.Version, promoted).ConfigureAwait(false)), null, run.CancellationToken)
                .ConfigureAwait(false);
            run.Output.Result($"promoted version {run.Value(promoted)} (phase {rollout.GetProperty("phase").GetString()})", rollout, rollout, RolloutColumns);
            return ExitCodes.Clean;
        });
        group.Add("rollback", "Return the fleet to the version it ran before the current rollout (canaries first)", [], async run =>
        {
            var rollout = await run.Api.PostAsync("updates/rollback", null, run.CancellationToken).ConfigureAwait(false);
            run.Output.Result($"rolling back to version {rollout.GetProperty("targetVersionId").GetInt64()}", rollout, rollout, RolloutColumns);
            return ExitCodes.Clean;
        });
        group.Add("status", "The rollout in force and the scan servers per state", [], async run =>
        {
            run.Output.Item(await run.Api.GetAsync("updates/status", run.CancellationToken).ConfigureAwait(false), StatusColumns);
            return ExitCodes.Clean;
        });
        group.Add("hosts", "Per scan server: version running, target and state", [], async run =>
        {
            run.Output.List(await run.Api.GetAsync("updates/status/hosts", run.CancellationToken).ConfigureAwait(false), HostColumns);
            return ExitCodes.Clean;
        });
        group.Add("tenants", "Per tenant: agents served by a current or an out-of-date scan server (counts)", [], async run =>
        {
            run.Output.List(await run.Api.GetAsync("updates/status/tenants", run.CancellationToken).ConfigureAwait(false), TenantColumns);
            return ExitCodes.Clean;
        });
        return group.Command;
    }

    private static void AddImport(AdminGroup group)
    {
        var paths = new Argument<string[]>("path")
        {
            Description = "Signature files (.cvd .cld .cdiff .hdb .hsb .ndb .ldb .yar ...) or a directory (a cvdupdate mirror): its signature files",
            Arity = ArgumentArity.OneOrMore,
        };
        var description = new Option<string?>("--description") { Description = "What this version is (shown in lists)" };
        var replace = new Option<bool>("--replace") { Description = "The files are the whole set (default: they add to or replace files of the newest version)" };
        var signWith = new Option<string?>("--sign-with")
        {
            Description = "Sign the set with this update signing key (scan servers apply only signed sets); implies --replace, since a "
                + "signature covers the whole set",
        };
        group.Add("import", "Import signature files as a new version of the update mirror", [paths, description, replace, signWith], async run =>
        {
            var files = new List<string>();
            foreach (var path in run.Value(paths) ?? [])
            {
                if (Directory.Exists(path))
                {
                    files.AddRange(Directory.EnumerateFiles(path).Where(IsSignatureFile).Order(StringComparer.Ordinal));
                }
                else if (File.Exists(path))
                {
                    files.Add(path);
                }
                else
                {
                    throw new AdminException($"'{path}' does not exist");
                }
            }
            if (files.Count == 0)
            {
                throw new AdminException("no signature files to import");
            }
            var key = run.Value(signWith);
            // .cdiff files are kept by the mirror but never sent to scan servers: the signature covers what they load.
            var signature = key is null ? null : UpdateSigning.Sign([.. files.Where(f => !f.EndsWith(".cdiff", StringComparison.OrdinalIgnoreCase))], key,
                DateTimeOffset.UtcNow);
            System.Text.Json.JsonElement detail;
            try
            {
                detail = await run.Api.PostFilesAsync("updates/versions" + QueryString.Of(("replace", run.Value(replace) || key is not null ? "true" : null)),
                    signature is null ? files : [.. files, signature], new Dictionary<string, string?> { ["description"] = run.Value(description) },
                    run.CancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (signature is not null)
                {
                    Directory.Delete(Path.GetDirectoryName(signature)!, recursive: true);
                }
            }
            var version = detail.GetProperty("version");
            run.Output.Result($"imported version {version.GetProperty("id").GetInt64()} ({files.Count} file(s), database version "
                + $"{version.GetProperty("databaseVersion").GetString()})", detail, version, VersionColumns);
            return ExitCodes.Clean;
        });
    }

    // A cvdupdate mirror directory also holds its state (.dat/.json): only signature files are sent.
    private static bool IsSignatureFile(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".cvd" or ".cld" or ".cdiff" or ".hdb" or ".hsb" or ".hdu" or ".hsu" or ".ndb" or ".ndu"
            or ".ldb" or ".ldu" or ".mdb" or ".msb" or ".fp" or ".sfp" or ".yar" or ".yara" or ".ign2" or ".ftm" or ".cdb" or ".wdb" or ".pdb";

}

using Lightshield.Center.Audit;
using Lightshield.Center.Identity;
using Lightshield.Center.Persistence;
using Lightshield.Verdicts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Updates;

/// <summary>One file of an import: its name and a readable stream of its content.</summary>
public sealed record UpdateUpload(string Name, Stream Content);

/// <summary>The provider's update mirror: imports official ClamAV files (.cvd/.cld/.cdiff, as a cvdupdate mirror holds
/// them) or its own signature files as new versions, and lists them.</summary>
public sealed class UpdateMirror(CenterDbContext db, UpdateStore store, AuditLog audit, CurrentActor actor, TimeProvider time,
    IOptions<UpdateOptions> options)
{
    /// <summary>Makes a new version: the newest version's files with the uploaded ones added or replacing those of the
    /// same name (<paramref name="replace"/>: the uploaded files only). Every file is checked first; one bad file and
    /// nothing is kept.</summary>
    /// <exception cref="UpdateImportException">A file is refused, or the import changes nothing.</exception>
    public async Task<UpdateVersion> ImportAsync(IReadOnlyList<UpdateUpload> uploads, string? description, bool replace,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        if (uploads.Count == 0)
        {
            throw new UpdateImportException("no files: upload at least one signature file");
        }
        var duplicate = uploads.GroupBy(u => u.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new UpdateImportException($"'{duplicate.Key}' is uploaded twice");
        }
        var received = new List<(InspectedUpdateFile File, string Temporary)>();
        try
        {
            foreach (var upload in uploads)
            {
                if (UpdateFileNames.Check(upload.Name, out var problem) is null)
                {
                    throw new UpdateImportException(problem!);
                }
                var temporary = store.NewTemporaryFile();
                received.Add((null!, temporary));
                await CopyLimitedAsync(upload, temporary, cancellationToken);
                received[^1] = (UpdateFileInspector.Inspect(upload.Name, temporary), temporary);
            }
            var version = await CreateVersionAsync(received.Select(r => r.File).ToList(), description, replace, cancellationToken);
            foreach (var (file, temporary) in received)
            {
                store.Keep(temporary, file.Sha256);
            }
            return version;
        }
        finally
        {
            foreach (var (_, temporary) in received)
            {
                File.Delete(temporary);
            }
        }
    }

    private async Task CopyLimitedAsync(UpdateUpload upload, string temporary, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxFileBytes;
        await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await upload.Content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
            if (total > limit)
            {
                throw new UpdateImportException($"'{upload.Name}' is larger than the limit of {limit} bytes (Center:Updates:MaxFileBytes)");
            }
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private async Task<UpdateVersion> CreateVersionAsync(List<InspectedUpdateFile> imported, string? description, bool replace,
        CancellationToken cancellationToken)
    {
        var latest = await db.Set<UpdateVersion>().OrderByDescending(v => v.Id).FirstOrDefaultAsync(cancellationToken);
        var files = new Dictionary<string, (string Name, string Format, string Sha256, long Length, int? DatabaseVersion, long? Signatures,
            DateTimeOffset? BuildTime, bool Distributed)>(StringComparer.OrdinalIgnoreCase);
        if (latest is not null && !replace)
        {
            // The newest version's signature covers its own set, not this one: a merged version is signed anew or not at all.
            foreach (var kept in await db.Set<UpdateVersionFile>()
                         .Where(f => f.VersionId == latest.Id && f.Distributed && f.Format != UpdateFileNames.SignatureFormat).ToListAsync(cancellationToken))
            {
                files[kept.Name] = (kept.Name, kept.Format, kept.Sha256, kept.Length, kept.DatabaseVersion, kept.Signatures, kept.BuildTime, true);
            }
        }
        foreach (var file in imported)
        {
            files[file.Name] = (file.Name, file.Format, file.Sha256, file.Length, file.DatabaseVersion, file.Signatures, file.BuildTime, file.Distributed);
        }
        // What scan servers load: the signature file travels with the set but is not part of the database.
        var distributed = files.Values.Where(f => f.Distributed && f.Format != UpdateFileNames.SignatureFormat).ToList();
        var signature = files.Values.FirstOrDefault(f => f.Format == UpdateFileNames.SignatureFormat).Sha256;
        if (distributed.Count == 0)
        {
            throw new UpdateImportException(
                "the version would hold no file a scan server loads: applying .cdiff files is not supported, import the database's .cld or .cvd");
        }
        var databaseVersion = SignatureSetVersion.Of(distributed.Select(f => (f.Name, f.Length, f.Sha256, f.Format is "cvd" or "cld" ? f.DatabaseVersion : null)));
        if (latest is not null && latest.DatabaseVersion == databaseVersion && imported.All(f => f.Distributed)
            && signature == await db.Set<UpdateVersionFile>().Where(f => f.VersionId == latest.Id && f.Format == UpdateFileNames.SignatureFormat)
                .Select(f => f.Sha256).FirstOrDefaultAsync(cancellationToken))
        {
            throw new UpdateImportException($"nothing changed: version {latest.Id} already holds exactly these files");
        }
        var version = new UpdateVersion
        {
            DatabaseVersion = databaseVersion,
            Description = description?.Trim() ?? "",
            SignatureCount = distributed.Sum(f => f.Signatures ?? 0),
            FileCount = distributed.Count,
            TotalBytes = distributed.Sum(f => f.Length),
            ImportedAt = time.GetUtcNow(),
            ImportedBy = actor.Name,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Set<UpdateVersion>().Add(version);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var file in files.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            db.Set<UpdateVersionFile>().Add(new UpdateVersionFile
            {
                VersionId = version.Id,
                Name = file.Name,
                Sha256 = file.Sha256,
                Length = file.Length,
                Format = file.Format,
                DatabaseVersion = file.DatabaseVersion,
                Signatures = file.Signatures,
                BuildTime = file.BuildTime,
                Distributed = file.Distributed,
            });
        }
        audit.Record("update.import", $"update-version/{version.Id}", new
        {
            version.DatabaseVersion,
            version.SignatureCount,
            replace,
            files = imported.Select(f => new { f.Name, f.Sha256, f.Length, f.DatabaseVersion, f.Distributed }),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    public async Task<IReadOnlyList<UpdateVersion>> ListAsync(CancellationToken cancellationToken) =>
        await db.Set<UpdateVersion>().AsNoTracking().OrderByDescending(v => v.Id).ToListAsync(cancellationToken);

    public async Task<UpdateVersion?> FindAsync(long id, CancellationToken cancellationToken) =>
        await db.Set<UpdateVersion>().AsNoTracking().FirstOrDefaultAsync(v => v.Id == id, cancellationToken);

    public async Task<IReadOnlyList<UpdateVersionFile>> FilesAsync(long versionId, CancellationToken cancellationToken) =>
        (await db.Set<UpdateVersionFile>().AsNoTracking().Where(f => f.VersionId == versionId).ToListAsync(cancellationToken))
            .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
}

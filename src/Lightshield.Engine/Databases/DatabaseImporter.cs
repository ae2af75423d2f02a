using Lightshield.Engine.Native;

namespace Lightshield.Engine;

/// <summary>Imports ClamAV signature files (official .cvd/.cld or your own .hdb/.ndb/.ldb/.yar...) into a database
/// directory (<c>lightshield db import</c>).</summary>
public static class DatabaseImporter
{
    /// <summary>Validates, then copies <paramref name="source"/> into <paramref name="targetDirectory"/>. The source
    /// is one signature file (an unknown extension is refused), or a directory whose signature files (directly in
    /// it) are imported while other files (README, freshclam.dat, COPYING...) are left out. Each file is first copied to a private staging directory and loaded
    /// and compiled there by a scratch libclamav engine (PUA signatures included); only when every file is valid is
    /// anything written, each file through a temporary file renamed over its final name, so a concurrent
    /// <see cref="ScanEngine.Reload"/> sees the old or the new file, never half of one. A loose <c>.info</c> is
    /// accepted (checked for a ClamAV-VDB header) although libclamav only reads it inside containers.</summary>
    /// <returns>The files written, described after the copy.</returns>
    /// <exception cref="EngineException">The source is missing, is a file of an unknown format, is a directory
    /// without signature files, or holds a file libclamav rejects. The message names the file and what libclamav said; nothing was written.</exception>
    public static IReadOnlyList<DatabaseFileInfo> Import(string source, string targetDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(targetDirectory);
        var sources = ResolveSources(source);
        ClamLibrary.EnsureInitialized();
        var staging = Directory.CreateTempSubdirectory("lightshield-import-");
        try
        {
            var staged = new List<string>(sources.Count);
            foreach (var file in sources)
            {
                var copy = Path.Combine(staging.FullName, Path.GetFileName(file));
                File.Copy(file, copy);
                Validate(copy, file);
                staged.Add(copy);
            }
            Directory.CreateDirectory(targetDirectory);
            return [.. staged.Select(file => WriteAtomically(file, targetDirectory))];
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    private static List<string> ResolveSources(string source)
    {
        if (File.Exists(source))
        {
            if (!DatabaseFormats.IsImportable(Path.GetFileName(source)))
            {
                throw new EngineException(
                    $"'{source}' is not a ClamAV signature database (unknown extension '{Path.GetExtension(source)}'). " +
                    $"Accepted extensions: {DatabaseFormats.ImportableList}. Nothing was imported.");
            }
            return [source];
        }
        if (!Directory.Exists(source))
        {
            throw new EngineException($"'{source}' does not exist.");
        }
        List<string> files =
        [
            .. Directory.EnumerateFiles(source)
                .Where(file => DatabaseFormats.IsImportable(Path.GetFileName(file)))
                .Order(StringComparer.Ordinal),
        ];
        if (files.Count == 0)
        {
            throw new EngineException(
                $"'{source}' contains no ClamAV signature database files (accepted extensions: {DatabaseFormats.ImportableList}). Nothing was imported.");
        }
        return files;
    }

    private static void Validate(string staged, string original)
    {
        if (DatabaseFormats.IsInfo(staged))
        {
            if (CvdHeader.TryRead(staged) is null)
            {
                throw new EngineException($"'{original}' is not a valid .info file: it does not start with a ClamAV-VDB header. Nothing was imported.");
            }
            return;
        }
        var handle = ClamNative.cl_engine_new();
        try
        {
            if (handle.IsInvalid)
            {
                throw new EngineException("libclamav could not create an engine (cl_engine_new failed: out of memory?).");
            }
            var collector = new ClamMessageCollector();
            using var route = ClamMessages.Route(collector);
            uint signatures = 0;
            var status = ClamNative.cl_load(staged, handle, ref signatures, ClamFlags.DbStandard | ClamFlags.DbPua);
            if (status == ClamError.Success)
            {
                status = ClamNative.cl_engine_compile(handle);
            }
            if (status != ClamError.Success)
            {
                // libclamav names the staged copy; name the file the caller gave instead.
                var explanation = EngineBuilder.Explain(status, collector).Replace(staged, original, StringComparison.Ordinal);
                throw new EngineException(
                    $"'{original}' is not a valid signature database: {explanation} Nothing was imported.");
            }
        }
        finally
        {
            handle.Dispose();
        }
    }

    private static DatabaseFileInfo WriteAtomically(string staged, string targetDirectory)
    {
        var name = Path.GetFileName(staged);
        var final = Path.Combine(targetDirectory, name);
        // The temporary name ends in .tmp, which libclamav does not load, so a reload meanwhile ignores it.
        var temporary = Path.Combine(targetDirectory, $".{name}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var input = File.OpenRead(staged))
            using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                input.CopyTo(output);
                output.Flush(flushToDisk: true);
            }
            File.Move(temporary, final, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
        return DatabaseCatalog.DescribeFile(final);
    }
}

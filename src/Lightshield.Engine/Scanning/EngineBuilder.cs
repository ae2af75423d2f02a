using System.Diagnostics;
using System.Globalization;
using Lightshield.Engine.Native;
using Microsoft.Extensions.Logging;

namespace Lightshield.Engine;

/// <summary>Loads and compiles a native engine from the database directory. Used for the first load and for
/// every reload; the result is complete or the native engine is freed again.</summary>
internal static class EngineBuilder
{
    private const int MaxAttempts = 3;

    public static EngineGeneration Build(
        ScanSettings settings, string temporaryDirectory, TimeProvider time, ILogger logger, IClamMessageSink messages)
    {
        var directory = settings.Options.DatabaseDirectory;
        if (!Directory.Exists(directory))
        {
            throw new EngineException($"Signature database directory '{directory}' does not exist.");
        }
        try
        {
            for (var attempt = 1; attempt <= MaxAttempts; attempt++)
            {
                if (TryBuild(settings, temporaryDirectory, time, logger, messages) is { } generation)
                {
                    return generation;
                }
                EngineLog.DatabaseChangedDuringLoad(logger, directory);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"Cannot read the signature database in '{directory}': {ex.Message}", ex);
        }
        throw new EngineException(
            $"Signature database directory '{directory}' kept changing while it was loading ({MaxAttempts} attempts); write updates with temporary files and rename.");
    }

    /// <summary>One load; null when the files changed while libclamav read them.</summary>
    private static EngineGeneration? TryBuild(
        ScanSettings settings, string temporaryDirectory, TimeProvider time, ILogger logger, IClamMessageSink messages)
    {
        var directory = settings.Options.DatabaseDirectory;
        var files = DatabaseCatalog.ListSignatureFiles(directory);
        if (files.Count == 0)
        {
            throw new EngineException(
                $"Signature database directory '{directory}' contains no ClamAV signature files (.cvd, .cld, .hdb, .hsb, .ndb, .ldb, .yar, ...).");
        }
        var before = DatabaseCatalog.Snapshot(files);
        var started = Stopwatch.GetTimestamp();
        var (handle, signatures) = LoadAndCompile(settings, files, temporaryDirectory, messages);
        try
        {
            var after = DatabaseCatalog.Snapshot(DatabaseCatalog.ListSignatureFiles(directory));
            if (!before.SequenceEqual(after))
            {
                handle.Dispose();
                return null;
            }
            var database = DatabaseCatalog.Describe(files, signatures, time.GetUtcNow());
            EngineLog.DatabaseLoaded(logger, database.Version, directory, database.SignatureCount,
                database.Files.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new EngineGeneration(handle, database);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static (ClamEngineHandle Handle, uint Signatures) LoadAndCompile(
        ScanSettings settings, IReadOnlyList<string> files, string temporaryDirectory, IClamMessageSink messages)
    {
        var directory = settings.Options.DatabaseDirectory;
        ClamLibrary.EnsureInitialized();
        var handle = ClamNative.cl_engine_new();
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw new EngineException("libclamav could not create an engine (cl_engine_new failed: out of memory?).");
        }
        try
        {
            Configure(handle, settings, temporaryDirectory);
            var collector = new ClamMessageCollector(messages);
            using (ClamMessages.Route(collector))
            {
                uint signatures = 0;
                var status = ClamNative.cl_load(directory, handle, ref signatures, settings.DatabaseOptions);
                if (status != ClamError.Success)
                {
                    throw new EngineException(
                        $"Cannot load the signature database in '{directory}': {Explain(status, collector)}");
                }
                if (signatures == 0)
                {
                    var details = collector.Describe();
                    throw new EngineException(
                        $"No signatures were loaded from '{directory}' (files: {string.Join(", ", files.Select(Path.GetFileName))})" +
                        (details.Length == 0 ? "." : $"; libclamav: {details}."));
                }
                status = ClamNative.cl_engine_compile(handle);
                if (status != ClamError.Success)
                {
                    throw new EngineException(
                        $"Cannot compile the signature database in '{directory}': {Explain(status, collector)}");
                }
                return (handle, signatures);
            }
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>libclamav's error text plus what it logged, e.g. "Malformed database (Malformed line 2 ...)".</summary>
    internal static string Explain(ClamError status, ClamMessageCollector collector)
    {
        var details = collector.Describe();
        return details.Length == 0
            ? $"libclamav: {ClamLibrary.Describe(status)}."
            : $"libclamav: {ClamLibrary.Describe(status)} ({details}).";
    }

    private static unsafe void Configure(ClamEngineHandle handle, ScanSettings settings, string temporaryDirectory)
    {
        var options = settings.Options;
        ClamNative.cl_engine_set_clcb_virus_found(handle, ClamDetections.Callback);
        SetNumber(handle, ClamEngineField.MaxFileSize, options.MaxFileSize);
        SetNumber(handle, ClamEngineField.MaxScanSize, options.MaxScanSize);
        SetNumber(handle, ClamEngineField.MaxRecursion, options.MaxRecursion);
        SetNumber(handle, ClamEngineField.MaxFiles, options.MaxFiles);
        SetNumber(handle, ClamEngineField.MaxScanTime, ScanSettings.MaxScanTimeMilliseconds(options));
        SetNumber(handle, ClamEngineField.KeepTemporaryFiles, 0);
        var status = ClamNative.cl_engine_set_str(handle, ClamEngineField.TemporaryDirectory, temporaryDirectory);
        if (status != ClamError.Success)
        {
            throw new EngineException(
                $"libclamav refused the temporary directory '{temporaryDirectory}': {ClamLibrary.Describe(status)}.");
        }
    }

    private static void SetNumber(ClamEngineHandle handle, ClamEngineField field, long value)
    {
        var status = ClamNative.cl_engine_set_num(handle, field, value);
        if (status != ClamError.Success)
        {
            throw new EngineException(string.Create(CultureInfo.InvariantCulture,
                $"libclamav refused {field} = {value}: {ClamLibrary.Describe(status)}."));
        }
        var actual = ClamNative.cl_engine_get_num(handle, field, out var error);
        if (error != 0 || actual != value)
        {
            throw new EngineException(string.Create(CultureInfo.InvariantCulture,
                $"libclamav did not keep {field} = {value} (it reports {actual}); the value is out of its range."));
        }
    }
}

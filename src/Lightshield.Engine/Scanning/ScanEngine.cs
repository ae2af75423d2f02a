using Lightshield.Engine.Native;
using Lightshield.Verdicts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lightshield.Engine;

/// <summary>A libclamav engine with its signature database, reloadable without failing a scan.
/// <para>Thread-safe: any number of threads may scan at once (a compiled libclamav engine supports concurrent
/// scans). <see cref="Reload"/> builds a new engine beside the serving one and swaps it in atomically; every scan
/// holds a lease on the engine it started with, so scans in flight finish on the old engine, which is freed when
/// its last lease ends. Reloads are serialized among themselves.</para></summary>
public sealed class ScanEngine : IDisposable
{
    private readonly ScanSettings _settings;
    private readonly ScanTemporaryDirectory _temporaryDirectory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LoggerMessageSink _messages;
    private readonly Lock _reloadLock = new();
    private EngineGeneration? _current;

    private ScanEngine(ScanSettings settings, ScanTemporaryDirectory temporaryDirectory, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _temporaryDirectory = temporaryDirectory;
        _time = time;
        _logger = logger;
        _messages = new LoggerMessageSink(logger);
    }

    /// <summary>The options this engine was loaded with.</summary>
    public EngineOptions Options => _settings.Options;

    /// <summary>The database serving new scans.</summary>
    public DatabaseInfo Database => Current().Database;

    /// <summary>Identifies the engine version and every verdict-affecting setting (not the database): verdicts
    /// cached under one profile are valid for any engine with the same profile.</summary>
    public ScanProfile Profile => _settings.Profile;

    /// <summary>The canonical text behind <see cref="Profile"/>, for logs and diagnostics.</summary>
    public string ProfileDescription => _settings.ProfileDescription;

    /// <summary>Where libclamav extracts archive members for this engine.</summary>
    internal string TemporaryDirectory => _temporaryDirectory.Path;

    /// <summary>libclamav's version (<c>cl_retver</c>), e.g. <c>1.4.6</c>.</summary>
    public string EngineVersion => _settings.EngineVersion;

    /// <summary>Creates the engine: validates the options, loads and compiles every signature file in
    /// <see cref="EngineOptions.DatabaseDirectory"/>.</summary>
    /// <exception cref="EngineException">Invalid options, missing directory, malformed database, no signatures,
    /// or libclamav unavailable. The message says which.</exception>
    public static ScanEngine Load(EngineOptions options, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new EngineException("Invalid engine options: " + string.Join(" ", errors));
        }
        var settings = ScanSettings.For(options);
        var temporaryDirectory = ScanTemporaryDirectory.Create(options.TemporaryDirectory);
        var engine = new ScanEngine(settings, temporaryDirectory, time ?? TimeProvider.System, logger ?? NullLogger.Instance);
        try
        {
            engine._current = EngineBuilder.Build(settings, temporaryDirectory.Path, engine._time, engine._logger, engine._messages);
        }
        catch
        {
            temporaryDirectory.Dispose();
            throw;
        }
        EngineLog.EngineReady(engine._logger, settings.EngineVersion, settings.Profile.ToString(), settings.ProfileDescription,
            temporaryDirectory.Path);
        return engine;
    }

    /// <summary>Scans content held in memory. <paramref name="fileName"/> only helps libclamav's messages.
    /// Never throws for bad content: failures are <see cref="VerdictKind.Error"/> verdicts. Empty content is
    /// clean ("empty file") without a scan, as in clamscan.</summary>
    public unsafe Verdict Scan(ReadOnlySpan<byte> content, string? fileName = null)
    {
        var generation = Lease();
        try
        {
            var version = generation.Database.Version;
            if (content.IsEmpty)
            {
                return Verdict.Clean(version, _time.GetUtcNow()) with { Reason = "empty file" };
            }
            var options = _settings.ScanOptions;
            using var route = ClamMessages.Route(_messages);
            ClamDetections.Reset();
            fixed (byte* start = content)
            {
                var map = ClamNative.cl_fmap_open_memory(start, (nuint)content.Length);
                if (map == 0)
                {
                    return Verdict.Failed("libclamav: cannot map the content for scanning", version, _time.GetUtcNow());
                }
                try
                {
                    var status = ClamNative.cl_scanmap_callback(
                        map, fileName, out var virusName, out _, generation.Handle, ref options, 0);
                    return VerdictMapper.Map(status, virusName, _settings.Options, version, _time.GetUtcNow());
                }
                finally
                {
                    ClamNative.cl_fmap_close(map);
                }
            }
        }
        finally
        {
            generation.Handle.DangerousRelease();
        }
    }

    /// <summary>Scans a file by path (libclamav opens and maps it). A file that cannot be opened, or a directory,
    /// gives an <see cref="VerdictKind.Error"/> verdict.</summary>
    public Verdict ScanFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var generation = Lease();
        try
        {
            if (Directory.Exists(path))
            {
                // libclamav skips what is not a regular file and would call a directory clean.
                return Verdict.Failed("not a regular file (a directory)", generation.Database.Version, _time.GetUtcNow());
            }
            var options = _settings.ScanOptions;
            using var route = ClamMessages.Route(_messages);
            ClamDetections.Reset();
            var status = ClamNative.cl_scanfile(path, out var virusName, out _, generation.Handle, ref options);
            return VerdictMapper.Map(status, virusName, _settings.Options, generation.Database.Version, _time.GetUtcNow());
        }
        finally
        {
            generation.Handle.DangerousRelease();
        }
    }

    /// <summary>Loads and compiles a new engine from the database directory, then swaps it in. Scans in flight
    /// finish on the old engine. On failure the old engine keeps serving and this throws.</summary>
    /// <exception cref="EngineException">The new database could not be loaded; nothing changed.</exception>
    public DatabaseReload Reload()
    {
        lock (_reloadLock)
        {
            var previous = Current();
            EngineGeneration next;
            try
            {
                next = EngineBuilder.Build(_settings, _temporaryDirectory.Path, _time, _logger, _messages);
            }
            catch (EngineException ex)
            {
                EngineLog.ReloadFailed(_logger, ex, _settings.Options.DatabaseDirectory, previous.Database.Version);
                throw;
            }
            Volatile.Write(ref _current, next);
            previous.Handle.Dispose();
            var before = previous.Database.Files.ToDictionary(file => file.Name, file => file.Sha256, StringComparer.Ordinal);
            IReadOnlyList<string> changed =
            [
                .. next.Database.Files
                    .Where(file => !before.TryGetValue(file.Name, out var sha256) || sha256 != file.Sha256)
                    .Select(file => Path.GetFullPath(Path.Combine(_settings.Options.DatabaseDirectory, file.Name))),
            ];
            EngineLog.DatabaseReloaded(_logger, previous.Database.Version, next.Database.Version, changed.Count);
            return new DatabaseReload(previous.Database, next.Database, changed);
        }
    }

    /// <summary>Stops serving: the native engine is freed when the scans in flight end. Scans started after
    /// disposal throw <see cref="ObjectDisposedException"/>; an archive scan still in flight may end in an
    /// <see cref="VerdictKind.Error"/> verdict because its temporary directory is removed now.</summary>
    public void Dispose()
    {
        lock (_reloadLock)
        {
            var generation = Interlocked.Exchange(ref _current, null);
            if (generation is null)
            {
                return;
            }
            generation.Handle.Dispose();
            _temporaryDirectory.Dispose();
        }
    }

    private EngineGeneration Current() =>
        Volatile.Read(ref _current) ?? throw new ObjectDisposedException(nameof(ScanEngine));

    /// <summary>The serving generation with a lease taken on it. A reload may dispose the generation between the
    /// read and the lease; then the lease fails and the new generation is read.</summary>
    private EngineGeneration Lease()
    {
        while (true)
        {
            var generation = Current();
            if (generation.Handle.TryAcquire())
            {
                return generation;
            }
        }
    }
}

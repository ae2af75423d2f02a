using System.Runtime.InteropServices;
using Lightshield.Engine;
using Lightshield.Svm.Center;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Hosting;
using Lightshield.Svm.Workers;
using Lightshield.Verdicts;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Database;

/// <summary>
/// Reloads the engine when the signature directory changes (debounced) or on SIGHUP, then applies the
/// update to the verdict cache: infected entries of the old database become stale, and cached clean
/// verdicts are re-checked against the hash signatures of the changed files (no content needed); the entries that turn
/// infected go to the center as <see cref="RetroFindings"/> for a retro-hunt on the agents that may hold them.
/// </summary>
public sealed class DatabaseReloader(
    ScanWorkers engine,
    IVerdictCache cache,
    SvmMetrics metrics,
    IOptions<SvmOptions> options,
    TimeProvider time,
    ILogger<DatabaseReloader> logger,
    RetroFindings findings) : BackgroundService
{
    private static readonly TimeSpan Debounce = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim _reloading = new(1, 1);
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);
    private readonly ContentSignatureIndex _contentSignatures = new();

    /// <summary>Loads the database directory again now. Serialized with other reloads; scans go on meanwhile.</summary>
    public async Task<DatabaseReload> ReloadAsync(CancellationToken cancellationToken)
    {
        await _reloading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            DatabaseReload reload;
            try
            {
                reload = await engine.ReloadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (EngineException exception)
            {
                metrics.Reloaded(succeeded: false, 0);
                SvmLog.ReloadFailed(logger, exception, engine.Database.Version);
                throw;
            }
            cache.CurrentDatabaseVersion = reload.Current.Version;
            RecordLineage(reload);
            var includePua = engine.Options.DetectPua; // PUA hash signatures must not flag what the engine itself would not detect
            var signatures = reload.ChangedFiles.SelectMany(file => HashSignatureReader.Read(file, includePua));
            var retro = await cache.ApplyNewSignaturesAsync(signatures, reload.Current.Version, cancellationToken).ConfigureAwait(false);
            foreach (var key in retro.AffectedKeys)
            {
                SvmLog.RetroDetection(logger, key.ToString(), reload.Current.Version);
            }
            if (options.Value.Center is not null)
            {
                findings.Add(retro.AffectedKeys, reload.Current.Version); // the center's retro-hunt, with the next heartbeat
            }
            metrics.Reloaded(succeeded: true, retro.EntriesInfected);
            SvmLog.DatabaseReloaded(logger, reload.Previous.Version, reload.Current.Version,
                reload.Current.SignatureCount, reload.ChangedFiles.Count, retro.EntriesInfected);
            return reload;
        }
        finally
        {
            _reloading.Release();
        }
    }

    /// <summary>Counts the body/logical signatures the reload added (decision 67). Before the running database's
    /// fingerprints are known, the new version stays unplaced and its verdicts follow the older rule.</summary>
    private void RecordLineage(DatabaseReload reload)
    {
        if (!_contentSignatures.Loaded)
        {
            return;
        }
        long added = _contentSignatures.Apply(reload);
        cache.Lineage.Extend(reload.Previous.Version, reload.Current.Version, added);
        SvmLog.ContentSignaturesAdded(logger, reload.Previous.Version, reload.Current.Version, added);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var database = engine.Database;
        cache.Lineage.Start(database.Version);
        // Taken here, so that any reload waits for the fingerprints; read in the background (a production database once).
        _reloading.Wait(cancellationToken);
        _ = Task.Run(() =>
        {
            try
            {
                if (engine.Database.Version == database.Version)
                {
                    _contentSignatures.Load(engine.Options.DatabaseDirectory, database);
                }
            }
            catch (Exception exception) when (exception is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                SvmLog.ContentSignaturesUnread(logger, exception, database.Version);
            }
            finally
            {
                _reloading.Release();
            }
        }, CancellationToken.None);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP means "reload", as for clamd; it must not stop the server
            _changed.Release();
        });
        using var watcher = options.Value.WatchDatabase ? Watch(options.Value.DatabaseDirectory) : null;

        while (!stoppingToken.IsCancellationRequested)
        {
            await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
            // Let a copy of several files finish, then take every change seen meanwhile as one reload.
            await Task.Delay(Debounce, time, stoppingToken).ConfigureAwait(false);
            while (_changed.CurrentCount > 0)
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
            }
            try
            {
                await ReloadAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (EngineException)
            {
                // Logged in ReloadAsync; the old database keeps serving until the directory is fixed.
            }
        }
    }

    private FileSystemWatcher Watch(string directory)
    {
        var watcher = new FileSystemWatcher(directory)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        FileSystemEventHandler onChange = (_, _) => _changed.Release();
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Deleted += onChange;
        watcher.Renamed += (_, _) => _changed.Release();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    public override void Dispose()
    {
        _reloading.Dispose();
        _changed.Dispose();
        base.Dispose();
    }
}

using System.Security.Cryptography;
using Grpc.Core;
using Lightshield.Engine;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Updates;
using Lightshield.Svm.Database;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Workers;

namespace Lightshield.Svm.Updates;

/// <summary>
/// One scan server's side of the signature update (<c>UpdateGateway</c>): check which version the center wants; fetch,
/// under a download lease, only the files whose SHA-256 it does not hold, verifying each against the manifest; load the
/// new set into a scratch engine; swap the database directory and hot-reload (scans in flight finish on the old engine);
/// report. A version is applied only if its <see cref="UpdateSignatureFile"/> verifies under a key in
/// <paramref name="trustedKeys"/> and lists exactly the manifest's other files (checked before anything else is fetched),
/// so neither the center nor the network can change a signature set. Any refusal (unsigned, tampered or truncated file,
/// engine that does not load) leaves the running database as it was and is reported to the center at the next check.
/// </summary>
public sealed class SignatureUpdater(
    UpdateGateway.UpdateGatewayClient center,
    Metadata headers,
    string serverId,
    LocalUpdateFiles files,
    ScanWorkers engine,
    DatabaseReloader reloader,
    IReadOnlyList<CredentialPublicKey> trustedKeys,
    ILogger logger)
{
    /// <summary>The largest signature file accepted (10,000 files listed take about 1 MB).</summary>
    private const long MaxSignatureFileBytes = 2 * 1024 * 1024;

    private long? _failedVersion;
    private string? _error;
    private bool _downloading;
    private long? _unloadableVersion;

    /// <summary>The center version this server runs (null: its own database).</summary>
    public long? RunningVersion => files.RunningVersion;

    /// <summary>The last refusal, as reported to the center.</summary>
    public string? LastError => _error;

    /// <summary>Files downloaded since start.</summary>
    public int Downloaded { get; private set; }

    /// <summary>The center's poll interval from its last answer.</summary>
    public TimeSpan? PollInterval { get; private set; }

    /// <summary>One check. Returns the center's retry hint when it refused a download lease, else null (check again
    /// after <see cref="PollInterval"/>).</summary>
    public async Task<TimeSpan?> CheckOnceAsync(CancellationToken cancellationToken)
    {
        var answer = await center.CheckAsync(Report(), headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (answer.PollIntervalSeconds > 0)
        {
            PollInterval = TimeSpan.FromSeconds(answer.PollIntervalSeconds);
        }
        TimeSpan? interval = null;
        var target = answer.TargetVersion;
        if (target == 0 || (target == files.RunningVersion && engine.Database.Version == answer.DatabaseVersion) || target == _unloadableVersion)
        {
            return interval;
        }
        try
        {
            CheckManifest(answer);
            var signatureEntry = answer.Files.FirstOrDefault(f => f.Name == UpdateSignatureFile.FileName) ?? throw new UpdateRefusedException(
                $"version {target} is not signed (no {UpdateSignatureFile.FileName}): import it with `lightshield updates import --sign-with KEY`",
                unloadable: true);
            // The signature first, so that a manifest it does not cover is refused before anything else is fetched.
            var missing = answer.Files.Where(f => !files.Has(f.Sha256, f.Length)).OrderBy(f => f == signatureEntry ? 0 : 1).ToList();
            if (!missing.Contains(signatureEntry))
            {
                VerifySignature(answer, signatureEntry);
            }
            if (missing.Count > 0)
            {
                _downloading = true;
                var lease = await center.AcquireDownloadLeaseAsync(new DownloadLeaseRequest { ServerId = serverId, Version = target }, headers,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!lease.Granted)
                {
                    return TimeSpan.FromMilliseconds(Math.Max(1000, lease.RetryAfterMs));
                }
                try
                {
                    foreach (var file in missing)
                    {
                        await DownloadAsync(file, lease.LeaseId, cancellationToken).ConfigureAwait(false);
                        if (file == signatureEntry)
                        {
                            VerifySignature(answer, signatureEntry);
                        }
                    }
                }
                finally
                {
                    await center.ReleaseDownloadLeaseAsync(new DownloadLeaseRelease { ServerId = serverId, LeaseId = lease.LeaseId }, headers,
                        cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
            }
            await ApplyAsync(answer, cancellationToken).ConfigureAwait(false);
            _downloading = false;
            _failedVersion = null;
            _error = null;
            SvmLog.UpdateApplied(logger, target, engine.Database.Version, missing.Count);
        }
        catch (UpdateRefusedException refused)
        {
            _downloading = false;
            _failedVersion = target;
            _error = refused.Message;
            if (refused.Unloadable)
            {
                _unloadableVersion = target; // the same files will not load next time either: wait for another version
            }
            SvmLog.UpdateFailed(logger, target, engine.Database.Version, refused.Message);
        }
        // Report at once: the canary soak time counts from the center's first sight of the new version.
        await center.CheckAsync(Report(), headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        return interval;
    }

    private UpdateCheckRequest Report() => new()
    {
        ServerId = serverId,
        RunningVersion = files.RunningVersion ?? 0,
        Downloading = _downloading,
        FailedVersion = _failedVersion ?? 0,
        Error = _error ?? "",
    };

    private static void CheckManifest(UpdateCheckResponse answer)
    {
        if (answer.Files.Count == 0)
        {
            throw new UpdateRefusedException($"version {answer.TargetVersion} has no files", unloadable: true);
        }
        foreach (var file in answer.Files)
        {
            if (file.Name.Length is 0 or > 100 || file.Name.StartsWith('.') || file.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
                || file.Sha256.Length != 64 || !file.Sha256.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)) || file.Length <= 0)
            {
                throw new UpdateRefusedException($"the manifest of version {answer.TargetVersion} names an unusable file '{file.Name}'", unloadable: true);
            }
        }
    }

    /// <summary>The signature file (already here) verifies under a trusted key and lists exactly the manifest's other files.</summary>
    private void VerifySignature(UpdateCheckResponse answer, UpdateManifestEntry signatureEntry)
    {
        if (signatureEntry.Length > MaxSignatureFileBytes)
        {
            throw new UpdateRefusedException($"{UpdateSignatureFile.FileName} of version {answer.TargetVersion} is {signatureEntry.Length} bytes "
                + $"(at most {MaxSignatureFileBytes})", unloadable: true);
        }
        try
        {
            var signature = UpdateSignatureFile.Verify(File.ReadAllText(files.PathOf(signatureEntry.Sha256)), trustedKeys);
            var difference = UpdateSignatureFile.Difference(signature,
                answer.Files.Where(f => f != signatureEntry).Select(f => new SignedUpdateFile(f.Name, f.Sha256, f.Length)));
            if (difference is not null)
            {
                throw new UpdateSignatureException($"the manifest of version {answer.TargetVersion} is not the signed set: {difference}");
            }
        }
        catch (UpdateSignatureException e)
        {
            throw new UpdateRefusedException($"version {answer.TargetVersion} refused: {e.Message}", unloadable: true);
        }
    }

    private async Task DownloadAsync(UpdateManifestEntry file, string leaseId, CancellationToken cancellationToken)
    {
        var temporary = files.NewTemporaryFile();
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long received = 0;
            await using (var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                using var call = center.Download(new DownloadRequest { ServerId = serverId, LeaseId = leaseId, Sha256 = file.Sha256 }, headers,
                    cancellationToken: cancellationToken);
                await foreach (var chunk in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    received += chunk.Data.Length;
                    if (received > file.Length)
                    {
                        throw new UpdateRefusedException($"'{file.Name}': the center sent more than the manifest's {file.Length} bytes", unloadable: false);
                    }
                    hash.AppendData(chunk.Data.Span);
                    await output.WriteAsync(chunk.Data.Memory, cancellationToken).ConfigureAwait(false);
                }
            }
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (received != file.Length || sha256 != file.Sha256)
            {
                throw new UpdateRefusedException(
                    $"'{file.Name}' does not match the manifest (got {received} bytes, SHA-256 {sha256}; expected {file.Length} bytes, {file.Sha256}): "
                    + "truncated or tampered download refused", unloadable: false);
            }
            files.Keep(temporary, file.Sha256);
            Downloaded++;
        }
        catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpdateRefusedException($"'{file.Name}': download failed: {e.Status.StatusCode} {e.Status.Detail}", unloadable: false);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private async Task ApplyAsync(UpdateCheckResponse answer, CancellationToken cancellationToken)
    {
        var staging = Path.Combine(files.Root, "staging");
        Recreate(staging);
        var databaseFiles = answer.Files.Where(f => f.Name != UpdateSignatureFile.FileName).ToList();
        foreach (var file in databaseFiles)
        {
            File.Copy(files.PathOf(file.Sha256), Path.Combine(staging, file.Name));
        }
        // The new set must load before anything changes for the serving engine.
        try
        {
            await engine.CheckAsync(staging, cancellationToken).ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            throw new UpdateRefusedException($"version {answer.TargetVersion} does not load: {e.Message}", unloadable: true);
        }
        var directory = engine.Options.DatabaseDirectory;
        var backup = Path.Combine(files.Root, "previous");
        Recreate(backup);
        var current = engine.Database.Files.Select(f => f.Name).ToList();
        foreach (var name in current.Where(name => File.Exists(Path.Combine(directory, name))))
        {
            File.Copy(Path.Combine(directory, name), Path.Combine(backup, name));
        }
        Swap(staging, directory, databaseFiles.Select(f => f.Name).ToList(), current);
        try
        {
            await reloader.ReloadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (EngineException e)
        {
            Swap(backup, directory, current, databaseFiles.Select(f => f.Name).ToList());
            await reloader.ReloadAsync(cancellationToken).ConfigureAwait(false);
            throw new UpdateRefusedException($"version {answer.TargetVersion} did not load into the serving engine: {e.Message}", unloadable: true);
        }
        files.RunningVersion = answer.TargetVersion;
    }

    /// <summary>Writes <paramref name="names"/> from <paramref name="source"/> into <paramref name="directory"/> (each through
    /// a temporary name renamed over the final one) and deletes the files of <paramref name="replaced"/> not among them.</summary>
    private static void Swap(string source, string directory, IReadOnlyList<string> names, IReadOnlyList<string> replaced)
    {
        foreach (var name in names)
        {
            var temporary = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
            File.Copy(Path.Combine(source, name), temporary);
            File.Move(temporary, Path.Combine(directory, name), overwrite: true);
        }
        foreach (var name in replaced.Except(names, StringComparer.Ordinal))
        {
            File.Delete(Path.Combine(directory, name));
        }
    }

    private static void Recreate(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
        Directory.CreateDirectory(directory);
    }
}

/// <summary>An update this scan server will not run; the message says why.</summary>
public sealed class UpdateRefusedException(string message, bool unloadable) : Exception(message)
{
    /// <summary>The files themselves are bad (not a transfer problem): retrying the same version is pointless.</summary>
    public bool Unloadable { get; } = unloadable;
}

using Lightshield.Center.Diagnostics;
using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Integration;

/// <summary>
/// The center's credential signing keys, kept in the database (so every center instance uses the same ones) and cached
/// here. Generated on first start. Rotation adds a key: the newest signs, and an older key stays trusted until every
/// credential it can have signed has expired (its successor's age exceeds the credential lifetime plus clock skew).
/// </summary>
public sealed class CenterSigningKeys(IServiceScopeFactory scopes, IOptions<IntegrationOptions> options, TimeProvider time,
    ILogger<CenterSigningKeys> logger) : IDisposable
{
    /// <summary>How long another instance's rotation may take to reach this one.</summary>
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Cached? _cached;

    /// <summary>Creates the first key when there is none, loads the keys and logs the trusted public keys.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateSystemScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
            if (!await db.SigningKeys.AnyAsync(cancellationToken))
            {
                await AddKeyAsync(db, cancellationToken);
            }
        }
        var keys = await ReloadAsync(cancellationToken, force: true);
        foreach (var key in keys.Trusted)
        {
            CenterLog.TrustedCredentialKey(logger, key.KeyId, key.Encoded, key.KeyId == keys.Signer.PublicKey.KeyId);
        }
    }

    /// <summary>The current keys, reloaded from the database at most every 30 s.</summary>
    public async ValueTask<SigningKeySet> CurrentAsync(CancellationToken cancellationToken)
    {
        var cached = _cached;
        if (cached is not null && time.GetUtcNow() - cached.LoadedAt < CacheFor)
        {
            return cached.Keys;
        }
        return await ReloadAsync(cancellationToken);
    }

    /// <summary>Adds a new signing key; credentials issued from now on are signed by it.</summary>
    public async Task<SigningKeySet> RotateAsync(CancellationToken cancellationToken)
    {
        await using (var scope = scopes.CreateSystemScope())
        {
            await AddKeyAsync(scope.ServiceProvider.GetRequiredService<CenterDbContext>(), cancellationToken);
        }
        var keys = await ReloadAsync(cancellationToken, force: true);
        CenterLog.TrustedCredentialKey(logger, keys.Signer.PublicKey.KeyId, keys.Signer.PublicKey.Encoded, true);
        return keys;
    }

    public void Dispose() => _loading.Dispose();

    private async Task AddKeyAsync(CenterDbContext db, CancellationToken cancellationToken)
    {
        // The newest key signs: a new key must be strictly newer than every existing one, even within one clock tick.
        var createdAt = time.GetUtcNow();
        var existing = await db.SigningKeys.Select(k => k.CreatedAt).ToListAsync(cancellationToken);
        if (existing.Count > 0 && existing.Max() >= createdAt)
        {
            createdAt = existing.Max() + TimeSpan.FromMilliseconds(1);
        }
        using var key = CredentialSigningKey.Generate();
        db.SigningKeys.Add(new StoredSigningKey
        {
            KeyId = key.PublicKey.KeyId,
            PrivateKey = key.ExportPkcs8(),
            PublicKey = key.PublicKey.Encoded,
            CreatedAt = createdAt,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<SigningKeySet> ReloadAsync(CancellationToken cancellationToken, bool force = false)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (!force && _cached is { } fresh && now - fresh.LoadedAt < CacheFor)
            {
                return fresh.Keys;
            }
            List<StoredSigningKey> stored;
            await using (var scope = scopes.CreateSystemScope())
            {
                stored = await scope.ServiceProvider.GetRequiredService<CenterDbContext>().SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
            }
            if (stored.Count == 0)
            {
                throw new InvalidOperationException("The center has no credential signing key; it creates one at start.");
            }
            var keys = Select(stored, now, options.Value.CredentialLifetime + CredentialVerifier.ClockSkew, time);
            _cached = new Cached(keys, now);
            return keys;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>The newest key signs; an older key is trusted while its successor is younger than
    /// <paramref name="retention"/> (a credential it signed may still be valid).</summary>
    internal static SigningKeySet Select(IEnumerable<StoredSigningKey> stored, DateTimeOffset now, TimeSpan retention, TimeProvider time)
    {
        var newestFirst = stored.OrderByDescending(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).ToList();
        var trusted = new List<CredentialPublicKey> { CredentialPublicKey.Parse(newestFirst[0].PublicKey) };
        for (var i = 1; i < newestFirst.Count; i++)
        {
            if (now - newestFirst[i - 1].CreatedAt < retention)
            {
                trusted.Add(CredentialPublicKey.Parse(newestFirst[i].PublicKey));
            }
        }
        return new SigningKeySet(CredentialSigningKey.FromPkcs8(newestFirst[0].PrivateKey), trusted, time);
    }

    private sealed record Cached(SigningKeySet Keys, DateTimeOffset LoadedAt);
}

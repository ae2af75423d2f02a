using System.Collections.Concurrent;
using Lightshield.Verdicts;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Sharing;

/// <summary>
/// Which tenants have shown this server that they hold some content, by uploading bytes that hash to its key (a
/// look-up proves nothing: anyone may know a hash). A tenant may be given the shared verdict of content it has uploaded
/// itself, or of content that <see cref="SharingOptions.MinTenantsToShare"/> distinct tenants have uploaded; for other
/// content the server answers as if it had never seen it, so that holding a document, or its hash, does not tell
/// whether another tenant on the site has it. Kept in memory: after a restart, or on another scan server, tenants
/// upload their own content once more (a cost, never a leak). Tenants are kept as the credential's tenant key.
/// </summary>
public sealed class ContentPresence(IOptions<SharingOptions> options)
{
    private readonly ConcurrentDictionary<FileKey, Uploaders> _keys = new();
    private readonly int _minTenants = options.Value.MinTenantsToShare;
    private readonly int _maxKeys = options.Value.MaxTrackedKeys;
    private int _count; // ConcurrentDictionary.Count takes every lock: not on the scan path

    /// <summary>Keys remembered now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Whether <paramref name="tenant"/> may be given the cached verdict of <paramref name="key"/>.</summary>
    public bool MayShare(string tenant, FileKey key) =>
        _minTenants <= 1 || (_keys.TryGetValue(key, out var uploaders) && uploaders.Admits(tenant));

    /// <summary>Who may hold the content of <paramref name="key"/>, for a retro-hunt (a question of the provider's center,
    /// never answered to a tenant): every tenant of the site when the content is shared site-wide (or sharing is off), else
    /// the tenants that uploaded it; none when this server does not remember the key (after a restart, or uploaded through
    /// another scan server: those tenants' next scheduled scan finds it, decision 31).</summary>
    public (bool SiteWide, IReadOnlyList<string> Tenants) HoldersOf(FileKey key)
    {
        if (_minTenants <= 1)
        {
            return (true, []);
        }
        if (!_keys.TryGetValue(key, out var uploaders))
        {
            return (false, []);
        }
        var tenants = uploaders.Snapshot();
        return tenants is null ? (true, []) : (false, tenants);
    }

    /// <summary>Remembers that <paramref name="tenant"/> uploaded content that hashed to <paramref name="key"/>. False when
    /// the key could not be remembered (the table is full).</summary>
    public bool Uploaded(string tenant, FileKey key)
    {
        if (_minTenants <= 1)
        {
            return true;
        }
        if (!_keys.TryGetValue(key, out var uploaders))
        {
            if (Count >= _maxKeys)
            {
                return false;
            }
            var added = new Uploaders();
            uploaders = _keys.GetOrAdd(key, added);
            if (ReferenceEquals(uploaders, added))
            {
                Interlocked.Increment(ref _count);
            }
        }
        uploaders.Add(tenant, _minTenants);
        return true;
    }

    /// <summary>The tenants of one key, until there are enough of them that the key is shared with everyone (then the
    /// list is dropped).</summary>
    private sealed class Uploaders
    {
        private readonly Lock _lock = new();
        private List<string>? _tenants = [];

        public bool Admits(string tenant)
        {
            lock (_lock)
            {
                return _tenants is null || _tenants.Contains(tenant, StringComparer.Ordinal);
            }
        }

        /// <summary>The uploaders; null once the key is shared site-wide.</summary>
        public IReadOnlyList<string>? Snapshot()
        {
            lock (_lock)
            {
                return _tenants is null ? null : [.. _tenants];
            }
        }

        public void Add(string tenant, int minTenants)
        {
            lock (_lock)
            {
                if (_tenants is null || _tenants.Contains(tenant, StringComparer.Ordinal))
                {
                    return;
                }
                _tenants.Add(tenant);
                if (_tenants.Count >= minTenants)
                {
                    _tenants = null; // shared site-wide from now on
                }
            }
        }
    }
}

using Lightshield.Agent.OnAccess.Native;

namespace Lightshield.Agent.OnAccess;

/// <summary>The path and process rules of <see cref="OnAccessOptions"/>, prepared for the event path.</summary>
internal sealed class OnAccessScope
{
    private readonly string[] _protectedPaths;
    private readonly PathGlob[] _excludedPaths;
    private readonly TrustedExecutables _excludedExecutables;
    private readonly (string Prefix, FailPolicy Policy)[] _failPolicies;
    private readonly FailPolicy _defaultFailPolicy;
    private readonly string[] _denyLimitExceeded;

    public OnAccessScope(OnAccessOptions options)
    {
        _protectedPaths = [.. options.ProtectedPaths.Select(Canonical).Distinct(StringComparer.Ordinal)];
        _excludedPaths = [.. options.ExcludedPaths.Select(PathGlob.Parse)];
        _excludedExecutables = new TrustedExecutables(options.ExcludedProcesses);
        // Longest prefix first, so the first match is the most specific rule.
        _failPolicies = [.. options.FailPolicies
            .Select(r => (Prefix: Canonical(r.PathPrefix), r.Policy))
            .OrderByDescending(r => r.Prefix.Length)];
        _defaultFailPolicy = options.DefaultFailPolicy;
        _denyLimitExceeded = [.. (options.DenyLimitExceededPaths ?? []).Select(Canonical).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>Whether an open of <paramref name="path"/> whose scan stopped at a limit is denied (else allowed and reported).</summary>
    public bool DeniesLimitExceeded(string path)
    {
        foreach (var prefix in _denyLimitExceeded)
        {
            if (PathPrefix.IsUnder(path, prefix))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The normalized protected directories.</summary>
    public IReadOnlyList<string> ProtectedPaths => _protectedPaths;

    public bool HasProcessExclusions => _excludedExecutables.Any;

    /// <summary>Process exclusions that exclude nothing, with the reason (see <see cref="TrustedExecutables"/>).</summary>
    public IReadOnlyList<string> RefusedProcessExclusions => _excludedExecutables.Refused;

    public bool IsProtected(string path)
    {
        foreach (var prefix in _protectedPaths)
        {
            if (PathPrefix.IsUnder(path, prefix))
            {
                return true;
            }
        }
        return false;
    }

    public bool IsPathExcluded(string path)
    {
        foreach (var glob in _excludedPaths)
        {
            if (glob.IsMatch(path))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the process runs one of the excluded executables (the same device and inode), whatever its
    /// command name or the path it was started by.</summary>
    public bool IsProcessExcluded(ProcessIdentity process) => _excludedExecutables.Contains(process);

    public FailPolicy FailPolicyFor(string path)
    {
        foreach (var (prefix, policy) in _failPolicies)
        {
            if (PathPrefix.IsUnder(path, prefix))
            {
                return policy;
            }
        }
        return _defaultFailPolicy;
    }

    /// <summary>The directory as events will name it: symbolic links resolved when it exists.</summary>
    private static string Canonical(string directory) =>
        PathPrefix.Normalize(ProcPaths.RealPath(directory) ?? directory);
}

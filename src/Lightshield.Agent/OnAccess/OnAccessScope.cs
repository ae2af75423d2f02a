using Lightshield.Agent.OnAccess.Native;

namespace Lightshield.Agent.OnAccess;

/// <summary>The path and process rules of <see cref="OnAccessOptions"/>, prepared for the event path.</summary>
internal sealed class OnAccessScope
{
    private readonly string[] _protectedPaths;
    private readonly PathGlob[] _excludedPaths;
    private readonly PathGlob[] _excludedExecutables;
    private readonly HashSet<string> _excludedNames;
    private readonly (string Prefix, FailPolicy Policy)[] _failPolicies;
    private readonly FailPolicy _defaultFailPolicy;
    private readonly string[] _denyLimitExceeded;

    public OnAccessScope(OnAccessOptions options)
    {
        _protectedPaths = [.. options.ProtectedPaths.Select(Canonical).Distinct(StringComparer.Ordinal)];
        _excludedPaths = [.. options.ExcludedPaths.Select(PathGlob.Parse)];
        _excludedExecutables = [.. options.ExcludedProcesses.Where(IsPathPattern).Select(PathGlob.Parse)];
        _excludedNames = new HashSet<string>(options.ExcludedProcesses.Where(p => !IsPathPattern(p)), StringComparer.Ordinal);
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

    public bool HasProcessExclusions => _excludedNames.Count > 0 || _excludedExecutables.Length > 0;

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

    public bool IsProcessExcluded(ProcessIdentity process)
    {
        if (process.Name is not null && _excludedNames.Contains(process.Name))
        {
            return true;
        }
        if (process.ExecutablePath is not { } executable)
        {
            return false;
        }
        if (_excludedNames.Count > 0 && _excludedNames.Contains(Path.GetFileName(executable)))
        {
            return true;
        }
        foreach (var glob in _excludedExecutables)
        {
            if (glob.IsMatch(executable))
            {
                return true;
            }
        }
        return false;
    }

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

    private static bool IsPathPattern(string process) => process.Contains('/', StringComparison.Ordinal);
}

namespace Lightshield.Agent.OnAccess;

/// <summary>Directory-prefix tests on absolute paths: <c>/data</c> covers <c>/data</c> and <c>/data/x</c>, not
/// <c>/database</c>.</summary>
internal static class PathPrefix
{
    /// <summary>The prefix without trailing slashes (<c>/</c> stays <c>/</c>).</summary>
    public static string Normalize(string prefix)
    {
        var trimmed = prefix.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="normalizedPrefix"/> or lies below it.</summary>
    public static bool IsUnder(string path, string normalizedPrefix)
    {
        if (normalizedPrefix.Length == 1 && normalizedPrefix[0] == '/')
        {
            return path.Length > 0 && path[0] == '/';
        }
        return path.StartsWith(normalizedPrefix, StringComparison.Ordinal)
            && (path.Length == normalizedPrefix.Length || path[normalizedPrefix.Length] == '/');
    }
}

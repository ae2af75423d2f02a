using System.Text.RegularExpressions;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Hosting;

/// <summary>Reads the Redis password and the site's verdict key from their files.</summary>
internal static partial class RedisSecrets
{
    /// <summary>The password: the file's first line, without its line end.</summary>
    public static string ReadPassword(string path)
    {
        var text = File.ReadAllText(path);
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>The verdict key: the file's content as base64 text when it is that (whitespace around it ignored), else
    /// its raw bytes; at least <see cref="VerdictCacheOptions.MinVerdictKeyLength"/> bytes.</summary>
    /// <returns>Null when the key is usable, else what is wrong with it.</returns>
    public static string? TryReadVerdictKey(string path, out byte[] key)
    {
        key = [];
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot be read: {e.Message}";
        }
        var text = System.Text.Encoding.ASCII.GetString(content).Trim();
        Span<byte> decoded = new byte[text.Length];
        key = text.Length > 0 && Convert.TryFromBase64String(text, decoded, out int written) && written >= VerdictCacheOptions.MinVerdictKeyLength
            ? decoded[..written].ToArray()
            : content;
        return key.Length < VerdictCacheOptions.MinVerdictKeyLength
            ? $"holds {key.Length} bytes; a verdict key is at least {VerdictCacheOptions.MinVerdictKeyLength} random bytes (raw or base64)."
            : null;
    }

    public static bool HasInlinePassword(string configuration) => PasswordPattern().IsMatch(configuration);

    [GeneratedRegex(@"(^|,)\s*password\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPattern();
}

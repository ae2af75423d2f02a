using System.Text;
using System.Text.RegularExpressions;

namespace Lightshield.Agent.Files;

/// <summary>Glob exclusions on absolute paths: <c>**</c> any depth, <c>*</c> within one name, <c>?</c> one character.
/// <c>/proc/**</c> excludes /proc and everything below it.</summary>
public sealed class PathExclusions
{
    private readonly Regex? _pattern;

    public PathExclusions(IEnumerable<string> globs)
    {
        var alternatives = globs.Where(g => !string.IsNullOrWhiteSpace(g)).Select(ToRegex).ToList();
        _pattern = alternatives.Count == 0 ? null
            : new Regex($"^(?:{string.Join('|', alternatives)})$", RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1));
    }

    public bool IsExcluded(string path) => _pattern?.IsMatch(path) == true;

    private static string ToRegex(string glob)
    {
        var pattern = new StringBuilder();
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                // "/x/**" also matches "/x" itself.
                if (pattern.Length > 0 && pattern[^1] == '/' && i + 2 == glob.Length)
                {
                    pattern.Length -= 1;
                    pattern.Append("(?:/.*)?");
                }
                else
                {
                    pattern.Append(".*");
                }
                i++;
            }
            else
            {
                pattern.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }
        return pattern.ToString();
    }
}

namespace Lightshield.Agent.OnAccess;

/// <summary>A path glob: <c>*</c> and <c>?</c> match within one path segment, <c>**</c> matches across segments and
/// <c>**/</c> also matches no directory at all (<c>/a/**/b</c> matches <c>/a/b</c>). Matching is ordinal and runs in
/// O(pattern × path) time whatever the pattern, so a crafted file name cannot make it slow.</summary>
internal sealed class PathGlob
{
    private const int StackLimit = 1024;

    private readonly Token[] _tokens;

    private PathGlob(string pattern, Token[] tokens)
    {
        Pattern = pattern;
        _tokens = tokens;
    }

    public string Pattern { get; }

    public static PathGlob Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        var tokens = new List<Token>(pattern.Length);
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                while (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    i++;
                }
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                    tokens.Add(new Token(TokenKind.AnyDirectories, '\0'));
                }
                else
                {
                    tokens.Add(new Token(TokenKind.AnyPath, '\0'));
                }
            }
            else if (c == '*')
            {
                tokens.Add(new Token(TokenKind.AnySegment, '\0'));
            }
            else if (c == '?')
            {
                tokens.Add(new Token(TokenKind.AnyCharacter, '\0'));
            }
            else
            {
                tokens.Add(new Token(TokenKind.Literal, c));
            }
        }
        return new PathGlob(pattern, [.. tokens]);
    }

    public bool IsMatch(ReadOnlySpan<char> path)
    {
        var n = path.Length;
        Span<bool> matched = n < StackLimit ? stackalloc bool[n + 1] : new bool[n + 1];
        matched.Clear();
        // matched[j]: the tokens so far match path[..j].
        matched[0] = true;
        foreach (var token in _tokens)
        {
            switch (token.Kind)
            {
                case TokenKind.Literal:
                case TokenKind.AnyCharacter:
                    for (var j = n; j > 0; j--)
                    {
                        var c = path[j - 1];
                        matched[j] = matched[j - 1] && (token.Kind == TokenKind.Literal ? c == token.Character : c != '/');
                    }
                    matched[0] = false;
                    break;
                case TokenKind.AnySegment:
                    for (var j = 1; j <= n; j++)
                    {
                        matched[j] |= matched[j - 1] && path[j - 1] != '/';
                    }
                    break;
                case TokenKind.AnyPath:
                    for (var j = 1; j <= n; j++)
                    {
                        matched[j] |= matched[j - 1];
                    }
                    break;
                case TokenKind.AnyDirectories:
                    var anyBefore = false;
                    for (var j = 0; j <= n; j++)
                    {
                        var before = matched[j];
                        matched[j] = before || (j > 0 && path[j - 1] == '/' && anyBefore);
                        anyBefore |= before;
                    }
                    break;
            }
        }
        return matched[n];
    }

    public override string ToString() => Pattern;

    private enum TokenKind
    {
        Literal,
        AnyCharacter,
        AnySegment,
        AnyPath,
        AnyDirectories,
    }

    private readonly record struct Token(TokenKind Kind, char Character);
}

using System.CommandLine;

namespace Lightshield.CommandLine;

/// <summary>An option taking several values (<c>--sources A B</c> or <c>--sources A --sources B</c>) whose help shows
/// its default as a person would type it. (System.CommandLine prints an array default as <c>[default: A|B]</c>, which
/// reads as one value with a pipe in it, and its help builder cannot be customised in 2.0.)</summary>
public sealed class ListOption : Option<string[]>
{
    public ListOption(string name, string description, IReadOnlyList<string> defaults) : base(name)
    {
        Defaults = defaults;
        Description = $"{description}; several values are separate words [default: {string.Join(' ', defaults)}]";
        AllowMultipleArgumentsPerToken = true;
    }

    public IReadOnlyList<string> Defaults { get; }

    /// <summary>The values given, or the defaults when the option is absent.</summary>
    public IReadOnlyList<string> ValueIn(ParseResult parse) => parse.GetValue(this) is { Length: > 0 } given ? given : Defaults;
}

using System.Text;

namespace Lightshield.Bench.Support;

/// <summary>Prints results as a Markdown table, ready to paste into docs/benchmarks.md.</summary>
internal sealed class MarkdownTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params string[] cells) => _rows.Add(cells);

    public override string ToString()
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        Line(headers);
        text.Append('|').AppendJoin('|', widths.Select(w => new string('-', w + 2))).Append("|\n");
        foreach (var row in _rows)
        {
            Line(row);
        }
        return text.ToString();

        void Line(string[] cells) =>
            text.Append("| ").AppendJoin(" | ", cells.Select((c, i) => c.PadRight(widths[i]))).Append(" |\n");
    }
}

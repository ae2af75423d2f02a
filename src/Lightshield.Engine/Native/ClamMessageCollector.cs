namespace Lightshield.Engine.Native;

/// <summary>Collects libclamav's warnings and errors during a load or compile so that a failure can say what
/// libclamav said (for example <c>Malformed line 3 in lightshield.ndb</c>), not only <c>cl_strerror</c>.</summary>
internal sealed class ClamMessageCollector(IClamMessageSink? next = null) : IClamMessageSink
{
    private const int MaxKept = 20;
    private readonly List<string> _errors = [];
    private readonly List<string> _warnings = [];

    public IReadOnlyList<string> Errors => _errors;

    public IReadOnlyList<string> Warnings => _warnings;

    public bool Accepts(ClamMessageSeverity severity) =>
        severity is ClamMessageSeverity.Error or ClamMessageSeverity.Warning || next?.Accepts(severity) == true;

    public void OnMessage(ClamMessageSeverity severity, string message)
    {
        var list = severity switch
        {
            ClamMessageSeverity.Error => _errors,
            ClamMessageSeverity.Warning => _warnings,
            _ => null,
        };
        if (list is not null && list.Count < MaxKept)
        {
            list.Add(message);
        }
        next?.OnMessage(severity, message);
    }

    /// <summary>libclamav's own words for a failure: its error messages, else its warnings, else nothing.</summary>
    public string Describe()
    {
        var lines = _errors.Count > 0 ? _errors : _warnings;
        return lines.Count == 0 ? "" : string.Join("; ", lines.Distinct(StringComparer.Ordinal));
    }
}

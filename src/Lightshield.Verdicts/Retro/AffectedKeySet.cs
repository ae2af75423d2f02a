namespace Lightshield.Verdicts;

/// <summary>Keys turned infected by a retro-active check, each once, in the order first found (an entry can match
/// in both tiers).</summary>
internal sealed class AffectedKeySet
{
    private readonly HashSet<FileKey> _seen = [];
    private readonly List<FileKey> _ordered = [];

    public int Count => _ordered.Count;

    public void Add(in FileKey key)
    {
        if (_seen.Add(key))
        {
            _ordered.Add(key);
        }
    }

    public FileKey[] ToArray() => [.. _ordered];
}

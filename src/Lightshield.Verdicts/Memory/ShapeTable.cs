namespace Lightshield.Verdicts;

/// <summary>Reference-counted interning of <see cref="VerdictShape"/>s for one shard (guarded by the shard's lock).
/// A shape is dropped when its last entry goes, so the table never holds more shapes than the shard holds entries,
/// however many distinct detection names pass through the cache.</summary>
internal sealed class ShapeTable
{
    private readonly Dictionary<VerdictShape, int> _ids = [];
    private readonly Stack<int> _freeIds = new();
    private VerdictShape?[] _shapes = new VerdictShape?[4];
    private int[] _referenceCounts = new int[4];
    private int _used;

    public int Count => _ids.Count;

    public VerdictShape this[int id] => _shapes[id]!;

    /// <summary>Returns the id of an equal shape, adding this one if there is none, and counts one more user.</summary>
    public int Acquire(VerdictShape shape)
    {
        if (_ids.TryGetValue(shape, out int id))
        {
            _referenceCounts[id]++;
            return id;
        }
        if (!_freeIds.TryPop(out id))
        {
            if (_used == _shapes.Length)
            {
                Array.Resize(ref _shapes, _used * 2);
                Array.Resize(ref _referenceCounts, _used * 2);
            }
            id = _used++;
        }
        _shapes[id] = shape;
        _referenceCounts[id] = 1;
        _ids.Add(shape, id);
        return id;
    }

    public void Release(int id)
    {
        if (--_referenceCounts[id] == 0)
        {
            _ids.Remove(_shapes[id]!);
            _shapes[id] = null;
            _freeIds.Push(id);
        }
    }
}

namespace Lightshield.Client.Content;

/// <summary>
/// The memory a batch may use to keep file content for its uploads: one buffer of a fixed size, handed out front to
/// back and reused by the next batch. A file that does not fit is hashed with a small buffer and, if the scan server
/// asks for it, read again. The buffer is allocated uninitialised, so only the part a batch fills becomes resident.
/// </summary>
public sealed class ContentArena(int capacity)
{
    private readonly byte[] _buffer = GC.AllocateUninitializedArray<byte>(capacity);
    private int _used;

    public int Capacity => _buffer.Length;

    /// <summary>Bytes handed out since the last <see cref="Reset"/>.</summary>
    public int Used => _used;

    /// <summary>A slice of <paramref name="size"/> bytes, or false when the rest of the budget is smaller.</summary>
    public bool TryTake(long size, out ArraySegment<byte> slice)
    {
        if (size > _buffer.Length - _used)
        {
            slice = default;
            return false;
        }
        slice = new ArraySegment<byte>(_buffer, _used, (int)size);
        _used += (int)size;
        return true;
    }

    /// <summary>Gives back a slice taken last (a file that could not be read after all).</summary>
    public void GiveBack(ArraySegment<byte> slice)
    {
        if (slice.Array == _buffer && slice.Offset + slice.Count == _used)
        {
            _used = slice.Offset;
        }
    }

    public void Reset() => _used = 0;
}

using System.Numerics;

namespace Lightshield.Verdicts;

/// <summary>One lock's worth of L1: a fixed array of <see cref="MemorySlot"/>s, an open-addressing index over them
/// and a CLOCK hand for eviction.</summary>
/// <remarks>
/// Layout: the index is a power-of-two <see cref="uint"/> array (load at most 2/3, linear probing); each used cell
/// holds an 8-bit fingerprint of the key's hash and the slot number + 1, so a probe past a foreign key rarely has
/// to read the 72-byte slot. Removal shifts the following cells back (no tombstones), so probe runs stay short
/// however long the cache churns. All memory is allocated up front: ~72 + 6..12 bytes per entry of capacity.
/// </remarks>
internal sealed class MemoryShard
{
    /// <summary>The index stores slot + 1 in 24 bits.</summary>
    public const int MaxCapacity = (1 << SlotBits) - 2;

    private const int SlotBits = 24;
    private const uint SlotMask = (1u << SlotBits) - 1;

    private readonly Lock _lock = new();
    private readonly MemorySlot[] _slots;
    private readonly uint[] _index;
    private readonly int _indexMask;
    private readonly KeyHasher _hasher;
    private readonly ShapeTable _shapes = new();
    private int _count;
    private int _hand;

    public MemoryShard(int capacity, KeyHasher hasher)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxCapacity);
        _slots = new MemorySlot[capacity];
        _index = new uint[(int)BitOperations.RoundUpToPowerOf2((uint)(capacity + (capacity / 2) + 1))];
        _indexMask = _index.Length - 1;
        _hasher = hasher;
    }

    public int Count => Volatile.Read(ref _count);

    public int ShapeCount
    {
        get
        {
            lock (_lock)
            {
                return _shapes.Count;
            }
        }
    }

    public LookupOutcome Lookup(in FileKey key, ulong hash, string currentDatabaseVersion, out Verdict? verdict)
    {
        VerdictShape shape;
        long scannedAt;
        lock (_lock)
        {
            int position = Find(key, hash);
            if (position < 0)
            {
                verdict = null;
                return LookupOutcome.Miss;
            }
            ref var slot = ref _slots[SlotOf(_index[position])];
            shape = _shapes[slot.ShapeId];
            if (shape.IsStale(currentDatabaseVersion))
            {
                verdict = null;
                return LookupOutcome.Stale;
            }
            slot.Referenced = true;
            scannedAt = slot.ScannedAtUtcTicks;
        }
        verdict = shape.ToVerdict(scannedAt);
        return LookupOutcome.Hit;
    }

    /// <summary>Adds the entry of <paramref name="key"/>, or replaces it when <see cref="VerdictRules.MayReplace"/>
    /// allows <paramref name="writer"/> to.</summary>
    public StoreOutcome Store(in FileKey key, ulong hash, Md5Digest md5, VerdictShape shape, long scannedAtUtcTicks, VerdictWriter writer)
    {
        lock (_lock)
        {
            int position = Find(key, hash);
            if (position >= 0)
            {
                ref var existing = ref _slots[SlotOf(_index[position])];
                var current = _shapes[existing.ShapeId];
                if (!VerdictRules.MayReplace(current.Kind, current.DatabaseVersion, shape.Kind, shape.DatabaseVersion, writer))
                {
                    return StoreOutcome.Refused;
                }
                Assign(ref existing, md5, shape, scannedAtUtcTicks);
                return StoreOutcome.Stored;
            }

            bool evicted = false;
            int slotNumber;
            if (_count < _slots.Length)
            {
                slotNumber = _count;
                Volatile.Write(ref _count, _count + 1);
            }
            else
            {
                slotNumber = NextVictim();
                ref var victim = ref _slots[slotNumber];
                RemoveAt(FindSlot(victim.Key, slotNumber));
                _shapes.Release(victim.ShapeId);
                evicted = true;
            }

            ref var slot = ref _slots[slotNumber];
            slot.Key = key;
            slot.Md5 = md5;
            slot.ScannedAtUtcTicks = scannedAtUtcTicks;
            slot.ShapeId = _shapes.Acquire(shape);
            slot.Kind = shape.Kind;
            // New entries start without the second chance: a one-off walk over many files then evicts its own
            // entries before the ones that are asked for again.
            slot.Referenced = false;
            Insert(hash, slotNumber);
            return evicted ? StoreOutcome.StoredAfterEviction : StoreOutcome.Stored;
        }
    }

    /// <summary>Turns the entry of <paramref name="key"/> infected if it is clean.</summary>
    public bool TryInfect(in FileKey key, ulong hash, VerdictShape infected, long scannedAtUtcTicks)
    {
        lock (_lock)
        {
            int position = Find(key, hash);
            if (position < 0)
            {
                return false;
            }
            ref var slot = ref _slots[SlotOf(_index[position])];
            if (slot.Kind != VerdictKind.Clean
                || !VerdictRules.MayReplace(VerdictKind.Clean, _shapes[slot.ShapeId].DatabaseVersion, VerdictKind.Infected, infected.DatabaseVersion, VerdictWriter.RetroCheck))
            {
                return false;
            }
            Assign(ref slot, slot.Md5, infected, scannedAtUtcTicks);
            return true;
        }
    }

    /// <summary>Checks every clean entry against the signatures that cannot be found through the index (MD5, or
    /// any size) and turns the matching ones infected. Holds the lock for one pass over this shard only.</summary>
    public void InfectMatches(SignatureBatch batch, string databaseVersion, long scannedAtUtcTicks, AffectedKeySet affected)
    {
        lock (_lock)
        {
            for (int i = 0; i < _count; i++)
            {
                ref var slot = ref _slots[i];
                if (slot.Kind == VerdictKind.Clean
                    && VerdictRules.MayReplace(VerdictKind.Clean, _shapes[slot.ShapeId].DatabaseVersion, VerdictKind.Infected, databaseVersion, VerdictWriter.RetroCheck)
                    && batch.TryMatch(slot.Key, slot.Md5, out string? name))
                {
                    Assign(ref slot, slot.Md5, VerdictShape.Infected(name, databaseVersion), scannedAtUtcTicks);
                    affected.Add(slot.Key);
                }
            }
        }
    }

    private void Assign(ref MemorySlot slot, Md5Digest md5, VerdictShape shape, long scannedAtUtcTicks)
    {
        int shapeId = _shapes.Acquire(shape); // before the release: the same shape must not drop to zero in between
        _shapes.Release(slot.ShapeId);
        slot.ShapeId = shapeId;
        slot.Kind = shape.Kind;
        slot.Md5 = md5;
        slot.ScannedAtUtcTicks = scannedAtUtcTicks;
    }

    /// <summary>CLOCK: the hand clears second-chance bits until it meets an entry without one. At most one full
    /// turn, since the first turn clears every bit.</summary>
    private int NextVictim()
    {
        while (true)
        {
            int candidate = _hand;
            _hand = candidate + 1 == _slots.Length ? 0 : candidate + 1;
            ref var slot = ref _slots[candidate];
            if (!slot.Referenced)
            {
                return candidate;
            }
            slot.Referenced = false;
        }
    }

    private int Find(in FileKey key, ulong hash)
    {
        uint fingerprint = Fingerprint(hash);
        int position = (int)hash & _indexMask;
        while (true)
        {
            uint cell = _index[position];
            if (cell == 0)
            {
                return -1;
            }
            if ((cell & ~SlotMask) == fingerprint && SameKey(_slots[SlotOf(cell)].Key, key))
            {
                return position;
            }
            position = (position + 1) & _indexMask;
        }
    }

    private int FindSlot(in FileKey key, int slotNumber)
    {
        int position = (int)_hasher.Hash(key) & _indexMask;
        while (SlotOf(_index[position]) != slotNumber)
        {
            position = (position + 1) & _indexMask;
        }
        return position;
    }

    private void Insert(ulong hash, int slotNumber)
    {
        int position = (int)hash & _indexMask;
        while (_index[position] != 0)
        {
            position = (position + 1) & _indexMask;
        }
        _index[position] = Fingerprint(hash) | (uint)(slotNumber + 1);
    }

    /// <summary>Backward-shift deletion for linear probing: moves later cells of the run into the hole unless
    /// their home position lies cyclically after the hole.</summary>
    private void RemoveAt(int hole)
    {
        int next = hole;
        while (true)
        {
            next = (next + 1) & _indexMask;
            uint cell = _index[next];
            if (cell == 0)
            {
                break;
            }
            int home = (int)_hasher.Hash(_slots[SlotOf(cell)].Key) & _indexMask;
            bool stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!stays)
            {
                _index[hole] = cell;
                hole = next;
            }
        }
        _index[hole] = 0;
    }

    private static uint Fingerprint(ulong hash) => (uint)(byte)(hash >> 40) << SlotBits;

    private static int SlotOf(uint cell) => (int)(cell & SlotMask) - 1;

    private static bool SameKey(in FileKey a, in FileKey b) =>
        a.H0 == b.H0 && a.H1 == b.H1 && a.H2 == b.H2 && a.H3 == b.H3 && a.Size == b.Size;
}

using Google.Protobuf;
using Lightshield.Center.Persistence;
using Lightshield.Protocol.Link;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy;

/// <summary>On a tenant center: the queue of upward items, in the center's own database. An item is queued only when
/// its bucket's value changed since it was last queued, numbered after the last one ever queued, and deleted only once
/// the main center acknowledged it: a cut, a restart or a refused exchange loses nothing.</summary>
public static class LinkOutbox
{
    /// <summary>Queues <paramref name="item"/> unless <paramref name="key"/> last queued <paramref name="value"/>;
    /// the caller saves.</summary>
    public static async Task EnqueueAsync(CenterDbContext db, LinkState state, string key, string value, LinkUpItem item, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(item);
        var mark = await db.LinkMarks.FirstOrDefaultAsync(m => m.Key == key, cancellationToken);
        if (mark?.Value == value)
        {
            return;
        }
        if (mark is null)
        {
            db.LinkMarks.Add(new LinkMark { Key = key, Value = value, UpdatedAt = now });
        }
        else
        {
            mark.Value = value;
            mark.UpdatedAt = now;
        }
        item.Sequence = ++state.LastQueuedSequence;
        db.LinkOutbox.Add(new LinkOutboxItem { Sequence = item.Sequence, Item = item.ToByteArray(), QueuedAt = now });
    }

    /// <summary>The oldest queued items, at most <paramref name="count"/>.</summary>
    public static async Task<IReadOnlyList<LinkUpItem>> PeekAsync(CenterDbContext db, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.LinkOutbox.AsNoTracking().OrderBy(i => i.Sequence).Take(count).Select(i => i.Item).ToListAsync(cancellationToken);
        return [.. rows.Select(LinkUpItem.Parser.ParseFrom)];
    }

    /// <summary>Drops what the main center holds, and marks of buckets too old to be sent again.</summary>
    public static async Task AcknowledgeAsync(CenterDbContext db, long sequence, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.LinkOutbox.Where(i => i.Sequence <= sequence).ExecuteDeleteAsync(cancellationToken);
        var old = now - TimeSpan.FromDays(7);
        await db.LinkMarks.Where(m => m.UpdatedAt < old).ExecuteDeleteAsync(cancellationToken);
    }
}

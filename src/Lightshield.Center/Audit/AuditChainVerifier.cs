using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Audit;

/// <summary>Walks the whole audit chain in sequence order and reports the first row that does not fit: a changed
/// row (its hash no longer matches), a removed row (a gap in the sequence or a broken link) or reordered rows.</summary>
public sealed class AuditChainVerifier(CenterDbContext context)
{
    private const int PageSize = 1000;

    /// <summary>Needs a system-scoped context: the chain spans every tenant.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        long expectedSequence = 1;
        var previousHash = AuditHash.Genesis;
        long lastSequence = 0;
        while (true)
        {
            var page = await context.AuditEntries.IgnoreQueryFilters().AsNoTracking()
                .Where(e => e.Sequence > lastSequence)
                .OrderBy(e => e.Sequence)
                .Take(PageSize)
                .ToListAsync(cancellationToken);
            if (page.Count == 0)
            {
                return await new Hierarchy.Moves.MovedAuditVerifier(context).ProblemAsync(cancellationToken) is { } moved
                    ? new AuditVerification(false, expectedSequence - 1, null, moved)
                    : AuditVerification.Intact(expectedSequence - 1);
            }
            foreach (var entry in page)
            {
                if (entry.Sequence != expectedSequence)
                {
                    return AuditVerification.Broken(expectedSequence, expectedSequence - 1,
                        $"row {expectedSequence} is missing (the next row is {entry.Sequence})");
                }
                if (!string.Equals(entry.PreviousHash, previousHash, StringComparison.Ordinal))
                {
                    return AuditVerification.Broken(entry.Sequence, expectedSequence - 1,
                        $"row {entry.Sequence} does not link to the row before it (removed or reordered rows)");
                }
                if (!string.Equals(entry.Hash, AuditHash.Compute(entry), StringComparison.Ordinal))
                {
                    return AuditVerification.Broken(entry.Sequence, expectedSequence - 1,
                        $"row {entry.Sequence} was changed after it was written (its hash does not match its content)");
                }
                previousHash = entry.Hash;
                lastSequence = entry.Sequence;
                expectedSequence++;
            }
        }
    }
}

/// <summary>The outcome of <see cref="AuditChainVerifier.VerifyAsync"/>.</summary>
/// <param name="Valid">True when every row checks out.</param>
/// <param name="VerifiedRows">Rows checked before the first broken one (all rows when valid).</param>
/// <param name="FirstBrokenSequence">The first sequence that does not fit, when not valid.</param>
/// <param name="Problem">What is wrong there, when not valid.</param>
public sealed record AuditVerification(bool Valid, long VerifiedRows, long? FirstBrokenSequence, string? Problem)
{
    public static AuditVerification Intact(long rows) => new(true, rows, null, null);

    public static AuditVerification Broken(long sequence, long verifiedRows, string problem) => new(false, verifiedRows, sequence, problem);
}

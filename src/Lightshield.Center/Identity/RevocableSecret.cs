using Lightshield.Center.Audit;
using Lightshield.Center.Persistence;

namespace Lightshield.Center.Identity;

/// <summary>A stored secret (API token, enrolment token, scan-server token) that stops working once revoked.</summary>
public interface IRevocableSecret
{
    Guid Id { get; }

    string Name { get; }

    DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>Revocation, the same for every kind of secret: the first revocation is stamped and audited as
/// <c>KIND.revoke</c> on <c>KIND/ID</c>; revoking again changes nothing and answers the same.</summary>
public static class SecretRevocation
{
    public static async Task<IResult> RevokeAsync(IRevocableSecret secret, string kind, CenterDbContext db, AuditLog audit, TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        if (secret.RevokedAt is null)
        {
            secret.RevokedAt = time.GetUtcNow();
            audit.Record($"{kind}.revoke", $"{kind}/{secret.Id}", new { secret.Name });
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.NoContent();
    }
}

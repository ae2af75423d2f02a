using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Identity;

/// <summary>Sets a user's new password: whoever held the old one (a stolen session, a leaked API token) loses what it
/// opened, so every session and token of the user is revoked except the one that made the change.</summary>
internal static class PasswordChange
{
    /// <summary>Applies the change to tracked rows of <paramref name="db"/>; the caller audits and saves.</summary>
    public static async Task ApplyAsync(CenterDbContext db, User user, string newPassword, Guid? keepTokenId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        user.PasswordHash = PasswordHasher.Hash(newPassword);
        user.MustChangePassword = false;
        var tokens = await db.ApiTokens.Where(t => t.UserId == user.Id && t.RevokedAt == null).ToListAsync(cancellationToken);
        foreach (var token in tokens.Where(t => t.Id != keepTokenId))
        {
            token.RevokedAt = now;
        }
    }
}

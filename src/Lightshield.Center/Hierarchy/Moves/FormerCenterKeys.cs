using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>
/// The agent-credential keys of the centers that tenants moved here from, each good for its own tenant only: on a tenant
/// center, the main center's keys after a move in; on the main center, a tenant center's keys after its tenant moved back.
/// A moved agent's first sync here is accepted with its old credential (for an agent row imported with that credential id,
/// which the interceptor checks) and renewed under this center's key. Read only when this center's own keys refused a
/// credential, and remembered for a few seconds.
/// </summary>
public sealed class FormerCenterKeys(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(5);
    private (IReadOnlyList<(Guid TenantId, CredentialVerifier Verifier)> Verifiers, DateTimeOffset Until) _known = ([], DateTimeOffset.MinValue);

    /// <summary>The claims of <paramref name="credential"/> when a former center of the tenant it names signed it; else null.</summary>
    public async Task<CredentialCheck?> VerifyAsync(string credential, CancellationToken cancellationToken)
    {
        foreach (var (tenantId, verifier) in await VerifiersAsync(cancellationToken))
        {
            if (verifier.Verify(credential) is { IsValid: true } check && check.Claims!.TenantId == tenantId)
            {
                return check;
            }
        }
        return null;
    }

    private async Task<IReadOnlyList<(Guid, CredentialVerifier)>> VerifiersAsync(CancellationToken cancellationToken)
    {
        var known = _known;
        var now = time.GetUtcNow();
        if (known.Until > now)
        {
            return known.Verifiers;
        }
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var moved = await db.LinkStates.AsNoTracking().Where(s => s.MovedFromAgentKeys != null)
            .Select(s => new { s.TenantId, Keys = s.MovedFromAgentKeys }).ToListAsync(cancellationToken);
        moved.AddRange(await db.TenantMoves.AsNoTracking().Where(m => m.ToHosted && m.AppliedAt != null && m.FormerAgentKeys != null)
            .Select(m => new { m.TenantId, Keys = m.FormerAgentKeys }).ToListAsync(cancellationToken));
        var verifiers = moved.Select(m => (m.TenantId, Verifier: Build(m.Keys))).Where(v => v.Verifier is not null)
            .Select(v => (v.TenantId, v.Verifier!)).ToList();
        _known = (verifiers, now + Remembered);
        return verifiers;
    }

    private CredentialVerifier? Build(string? keys)
    {
        var parsed = (keys ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(CredentialPublicKey.Parse).ToList();
        return parsed.Count == 0 ? null : new CredentialVerifier(parsed, time, new CredentialRevocations(), CredentialAudience.Center);
    }
}

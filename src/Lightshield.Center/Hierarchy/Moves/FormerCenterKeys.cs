using Lightshield.Center.Persistence;
using Lightshield.Center.Tenancy;
using Lightshield.Protocol.Credentials;
using Microsoft.EntityFrameworkCore;

namespace Lightshield.Center.Hierarchy.Moves;

/// <summary>On a tenant center after a move in: a verifier of agent credentials signed by the center the tenant moved
/// from, so a moved agent's first sync here is accepted (for an agent row imported with its credential id, the
/// interceptor checks) and renewed under this center's key. Null on a center nothing moved into. Read only when this
/// center's own keys refused a credential, and remembered for a few seconds.</summary>
public sealed class FormerCenterKeys(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Remembered = TimeSpan.FromSeconds(5);
    private (string? Keys, CredentialVerifier? Verifier, DateTimeOffset Until) _known;

    public async Task<CredentialVerifier?> VerifierAsync(CancellationToken cancellationToken)
    {
        var known = _known;
        var now = time.GetUtcNow();
        if (known.Until > now)
        {
            return known.Verifier;
        }
        await using var scope = scopes.CreateSystemScope();
        var db = scope.ServiceProvider.GetRequiredService<CenterDbContext>();
        var keys = await db.LinkStates.AsNoTracking().Select(s => s.MovedFromAgentKeys).FirstOrDefaultAsync(cancellationToken);
        var verifier = keys == known.Keys ? known.Verifier : Build(keys);
        _known = (keys, verifier, now + Remembered);
        return verifier;
    }

    private CredentialVerifier? Build(string? keys)
    {
        var parsed = (keys ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(CredentialPublicKey.Parse).ToList();
        return parsed.Count == 0 ? null : new CredentialVerifier(parsed, time, new CredentialRevocations(), CredentialAudience.Center);
    }
}

using System.Security.Cryptography;

namespace Lightshield.Protocol.Credentials;

/// <summary>
/// Checks a call's <see cref="PossessionProof"/> against its already verified credential: the credential names a proof
/// key (<c>cnf</c>), the proof carries that key, its time is within <see cref="Window"/> of this clock, its signature
/// covers this audience, this method and this credential, and its nonce was not accepted before. Credentials issued
/// before proofs existed (no <c>cnf</c>) are refused: the agent must enrol again, because binding a key to them now
/// would let whoever copied one bind their own.
/// </summary>
public sealed class ProofVerifier
{
    /// <summary>How far a proof's time may be from this clock, either way.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    private readonly string _audience;
    private readonly TimeProvider _time;
    private readonly ProofReplayCache _replays;
    private readonly int _replayKeyCapacity;

    public ProofVerifier(string audience, TimeProvider time, int replayCapacity = ProofReplayCache.DefaultCapacity,
        int replayKeyCapacity = ProofReplayCache.DefaultKeyCapacity)
    {
        _audience = audience;
        _time = time;
        _replayKeyCapacity = replayKeyCapacity;
        // A proof can be accepted until its time + Window, and its time may be up to Window ahead of the clock.
        _replays = new ProofReplayCache(time, Window * 2, replayCapacity, replayKeyCapacity);
    }

    /// <summary>Null when the proof is good; otherwise why the call is refused. <paramref name="claims"/> are those of
    /// <paramref name="credential"/>, verified by the caller.</summary>
    public string? Check(AgentClaims claims, string credential, string method, string? proof)
    {
        ArgumentNullException.ThrowIfNull(claims);
        if (claims.KeyThumbprint is null)
        {
            return "this agent credential was issued before proof of possession and binds no key: enrol the agent again "
                   + "(delete enrolment.json in its state directory and give it an enrolment token)";
        }
        if (string.IsNullOrEmpty(proof))
        {
            return $"no proof of possession: send '{PossessionProof.MetadataKey}' signed by the agent's proof key with the credential";
        }
        if (!PossessionProof.TryParse(proof, out var parsed, out var failure))
        {
            return failure;
        }
        if (KeyThumbprint.Of(parsed.PublicKeyInfo) != claims.KeyThumbprint)
        {
            return "the proof of possession is signed by a key the credential does not name";
        }
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        if (Math.Abs(now - parsed.Seconds) > (long)Window.TotalSeconds)
        {
            return $"the proof of possession is dated {DateTimeOffset.FromUnixTimeSeconds(parsed.Seconds):u}, more than {Window.TotalSeconds:0} s "
                   + "from this server's clock (check the agent's clock)";
        }
        if (!SignatureHolds(parsed, method, credential))
        {
            return "the proof of possession does not match this call (another method, audience or credential)";
        }
        return _replays.TryRemember(parsed.Nonce, claims.KeyThumbprint) switch
        {
            ProofReplayOutcome.Fresh => null,
            ProofReplayOutcome.Replayed => "the proof of possession was already used (a replay)",
            ProofReplayOutcome.KeyFull => $"this agent made more than {_replayKeyCapacity:N0} calls within {(Window * 2).TotalMinutes:0} minutes; "
                                          + "try again shortly",
            _ => "too many calls in the proof window; try again shortly",
        };
    }

    private bool SignatureHolds(PossessionProof.Parsed parsed, string method, string credential)
    {
        using var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(parsed.PublicKeyInfo, out _);
        }
        catch (CryptographicException)
        {
            return false;
        }
        return key.VerifyData(PossessionProof.SignedBytes(_audience, method, parsed.Seconds, parsed.NonceText, credential), parsed.Signature,
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }
}

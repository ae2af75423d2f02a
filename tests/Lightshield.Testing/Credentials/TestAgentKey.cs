using Grpc.Core;
using Grpc.Core.Interceptors;
using Lightshield.Protocol.Credentials;

namespace Lightshield.Testing.Credentials;

/// <summary>The proof key test agents hold (one for the whole test run: each credential still names it, so a test that
/// attacks proofs uses a key of its own), and clients that prove possession of it as a real agent's channels do.</summary>
public static class TestAgentKey
{
    public static ProofKey Shared { get; } = ProofKey.Generate();

    public static string Thumbprint => Shared.Thumbprint;

    /// <summary><paramref name="invoker"/> with a <see cref="PossessionProofInterceptor"/> for <paramref name="audience"/>:
    /// calls that carry a credential also carry a proof signed by <paramref name="key"/> (the shared key by default) and
    /// dated by <paramref name="time"/> (the server's clock when it is a fake one).</summary>
    public static CallInvoker Proving(CallInvoker invoker, string audience, TimeProvider? time = null, ProofKey? key = null) =>
        invoker.Intercept(new PossessionProofInterceptor(key ?? Shared, audience, time ?? TimeProvider.System));
}

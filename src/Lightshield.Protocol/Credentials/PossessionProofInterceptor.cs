using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Lightshield.Protocol.Credentials;

/// <summary>
/// The agent's side of proof of possession: every call that carries an agent credential (<c>authorization: Bearer
/// lsa1...</c>) gets a fresh <see cref="PossessionProof"/> for its method and <paramref name="audience"/>, signed by
/// <paramref name="key"/>. Calls without a credential (Enrol) go as they are. Put it on the channel, so no call can
/// forget it.
/// </summary>
public sealed class PossessionProofInterceptor(ProofKey key, string audience, TimeProvider time) : Interceptor
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithProof(context));
    }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
        AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithProof(context));
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(WithProof(context));
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(TRequest request,
        ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(request, WithProof(context));
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return continuation(WithProof(context));
    }

    private ClientInterceptorContext<TRequest, TResponse> WithProof<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class where TResponse : class
    {
        var credential = CredentialVerifier.FromAuthorizationHeader(context.Options.Headers?.GetValue(AgentCredentialFormat.MetadataKey));
        if (credential is null)
        {
            return context;
        }
        var headers = new Metadata();
        foreach (var entry in context.Options.Headers!)
        {
            if (!string.Equals(entry.Key, PossessionProof.MetadataKey, StringComparison.OrdinalIgnoreCase))
            {
                headers.Add(entry);
            }
        }
        headers.Add(PossessionProof.MetadataKey, PossessionProof.Create(key, audience, context.Method.FullName, credential, time.GetUtcNow()));
        return new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithHeaders(headers));
    }
}

using Grpc.Core;

namespace Lightshield.ScaleBench;

/// <summary>Retries a simulated agent's call the center failed (not one it refused), up to five times, a second apart.</summary>
internal static class EnrolmentRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unknown or StatusCode.Unavailable or StatusCode.Internal && attempt < 5)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken);
            }
        }
    }
}

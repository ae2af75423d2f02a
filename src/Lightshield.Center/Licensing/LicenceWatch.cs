using Microsoft.Extensions.Options;

namespace Lightshield.Center.Licensing;

/// <summary>Evaluates every tenant's licence state at <see cref="LicensingOptions.CheckInterval"/>: an expiry or an agent
/// falling silent changes the state without any request.</summary>
public sealed partial class LicenceWatch(LicenceEvaluator evaluator, IOptions<LicensingOptions> options, TimeProvider time, ILogger<LicenceWatch> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await evaluator.EvaluateAllAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                EvaluationFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 330, Level = LogLevel.Error, Message = "Evaluating licence states failed; trying again at the next check")]
    private static partial void EvaluationFailed(ILogger logger, Exception exception);
}

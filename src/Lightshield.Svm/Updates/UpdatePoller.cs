using Grpc.Core;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Credentials;
using Lightshield.Protocol.Transport;
using Lightshield.Svm.Center;
using Lightshield.Svm.Database;
using Lightshield.Svm.Diagnostics;
using Lightshield.Svm.Hosting;
using Lightshield.Svm.Workers;
using Microsoft.Extensions.Options;

namespace Lightshield.Svm.Updates;

/// <summary>Checks the center for signature updates at its poll interval with ±20 % jitter (so that a fleet started
/// together does not check in lockstep). Runs only with a center and <see cref="SvmOptions.CenterUpdates"/>.</summary>
public sealed class UpdatePoller(IOptions<SvmOptions> options, ScanWorkers engine, DatabaseReloader reloader, TimeProvider time,
    ILogger<UpdatePoller> logger) : BackgroundService
{
    private readonly SvmOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Center is null || !_options.CenterUpdates)
        {
            return;
        }
        using var channel = GrpcChannels.Open(_options.Center, _options.CenterCertificateSha256);
        var headers = new Metadata { { AgentCredentialFormat.MetadataKey, AgentCredentialFormat.Scheme + _options.CenterToken } };
        var updater = new SignatureUpdater(new UpdateGateway.UpdateGatewayClient(channel), headers,
            ScanServerIdentity.LoadOrCreate(_options.DataDirectory), new LocalUpdateFiles(_options.DataDirectory), engine, reloader,
            [.. _options.TrustedUpdateKeys.Select(CredentialPublicKey.Parse)], logger);
        var interval = _options.UpdatePollInterval;
        // The first check comes after a random part of the interval too: a fleet restarted together spreads out.
        var next = interval * Random.Shared.NextDouble();
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(next, time, stoppingToken).ConfigureAwait(false);
            try
            {
                var retryAfter = await updater.CheckOnceAsync(stoppingToken).ConfigureAwait(false);
                interval = updater.PollInterval ?? interval;
                next = retryAfter ?? interval;
            }
            catch (RpcException e) when (!stoppingToken.IsCancellationRequested)
            {
                SvmLog.UpdateCheckFailed(logger, e.Status.StatusCode.ToString(), e.Status.Detail);
                next = interval;
            }
            next *= 0.8 + (Random.Shared.NextDouble() * 0.4);
        }
    }
}

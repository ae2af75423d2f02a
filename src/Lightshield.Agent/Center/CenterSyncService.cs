using Grpc.Core;
using Lightshield.Agent.Actions;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Diagnostics;
using Lightshield.Agent.Firewall;
using Lightshield.Agent.Health;
using Lightshield.Agent.Hunts;
using Lightshield.Agent.Scanning;
using Lightshield.Protocol.Center;
using Lightshield.Protocol.Transport;

namespace Lightshield.Agent.Center;

/// <summary>
/// The agent's check-in with its center: enrols first if it has no credential, then syncs every interval the center
/// asks for (default 15 s, ±10 % jitter so a fleet does not beat in step), or at once when the push channel nudges it. A sync reports health, the policy version
/// in force, the center tasks' progress and the restores done; the answer brings a renewed credential, the scan-server
/// assignment (or a suspension), a changed policy, new tasks and restore orders, applied in that order.
/// </summary>
public sealed partial class CenterSyncService(
    CenterEnroller enroller,
    CenterConnection center,
    EnrolmentStore enrolment,
    ScanServerPool servers,
    AssignmentFile assignments,
    PolicyApplier policy,
    CenterTaskBook tasks,
    CenterProgress progress,
    RestoreOrders restores,
    DetectionActions actions,
    HealthProbe health,
    ClockSkew clock,
    TimeProvider time,
    ILogger<CenterSyncService> logger,
    SyncTrigger trigger,
    AgentMetrics? metrics = null,
    FirewallEnforcer? firewall = null,
    HuntAnswers? hunts = null,
    HuntQuarantines? huntQuarantines = null) : BackgroundService
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan MinimumSpacing = TimeSpan.FromSeconds(1);
    /// <summary>Wait before the sync that carries a new hunt answer.</summary>
    public static readonly TimeSpan HuntAnswerDelay = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The tenant's last policy is in force from the start (a restart, an upgrade), not from the first answered sync.
        policy.ApplyStored();
        await enroller.EnsureEnrolledAsync(stoppingToken);
        if (enrolment.Current?.QuarantinePublicKey is { } key)
        {
            actions.UseCenterQuarantineKey(Convert.FromBase64String(key));
        }
        var interval = DefaultInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                interval = await SyncAsync(stoppingToken);
                metrics?.Synced("ok");
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unauthenticated && !stoppingToken.IsCancellationRequested)
            {
                metrics?.Synced("refused");
                LogCredentialRefused(logger, exception.Status.Detail);
            }
            catch (RpcException exception) when (!stoppingToken.IsCancellationRequested)
            {
                metrics?.Synced("failed");
                LogUnreachable(logger, exception.Status.Detail);
            }
            var next = interval * (0.9 + (Random.Shared.NextDouble() * 0.2));
            // A nudge from the push channel cuts the wait short, but never to less than a second between syncs.
            await Task.Delay(MinimumSpacing, time, stoppingToken);
            await trigger.WaitAsync(next - MinimumSpacing, time, stoppingToken);
        }
    }

    /// <summary>One sync; returns the interval until the next.</summary>
    private async Task<TimeSpan> SyncAsync(CancellationToken cancellationToken)
    {
        var request = new SyncRequest { Health = ToWire(await health.TakeAsync(cancellationToken)), PolicyVersion = policy.Version };
        if (firewall is not null)
        {
            AddFirewall(request.Health, firewall.Status);
        }
        var (reports, finalIds) = await progress.TakeAsync(cancellationToken);
        request.Progress.AddRange(reports);
        var restored = await restores.UnreportedAsync(cancellationToken);
        request.CompletedRestores.AddRange(restored);
        var huntReports = hunts?.Unsent ?? [];
        request.HuntReports.AddRange(huntReports);
        request.HuntCandidates.AddRange(hunts?.Candidates ?? []);
        var quarantinesDone = huntQuarantines?.Unreported ?? [];
        request.HuntQuarantinesDone.AddRange(quarantinesDone);

        var sentAt = time.GetUtcNow();
        var answer = await center.Gateway.SyncAsync(request, center.Authorized(cancellationToken));
        clock.Measure(sentAt, time.GetUtcNow(), answer.CenterTimeUnixMs);

        await tasks.MarkFinalReportedAsync(finalIds, cancellationToken);
        await restores.MarkReportedAsync(restored, cancellationToken);
        hunts?.MarkSent(huntReports);
        huntQuarantines?.MarkReported(quarantinesDone);
        hunts?.Forget(answer.UnknownHunts); // the center dropped these hunts' items: their candidates would ride on every sync
        if (answer.RenewedCredential.Length > 0)
        {
            enrolment.Renew(answer.RenewedCredential, answer.RenewedScanCredential, DateTimeOffset.FromUnixTimeMilliseconds(answer.RenewedCredentialExpiresUnixMs));
            LogRenewed(logger, DateTimeOffset.FromUnixTimeMilliseconds(answer.RenewedCredentialExpiresUnixMs));
        }
        ApplyAssignment(answer);
        if (answer.PolicyJson.Length > 0 && answer.PolicyVersion != policy.Version)
        {
            policy.Apply(answer.PolicyVersion, answer.PolicyJson);
        }
        foreach (var task in answer.Tasks)
        {
            if (await tasks.AddAsync(task, cancellationToken))
            {
                LogTaskReceived(logger, task.TaskId, task.Kind, DateTimeOffset.FromUnixTimeMilliseconds(task.NotBeforeUnixMs));
            }
        }
        foreach (var order in answer.Restores)
        {
            await restores.ExecuteAsync(order, cancellationToken);
        }
        // A hunt's answer goes out at once, not one interval later: the hunt finishes within one sync of the VM.
        var quarantined = huntQuarantines is not null && await huntQuarantines.ExecuteAsync(answer.HuntQuarantines, cancellationToken);
        if ((hunts is not null && await hunts.AnswerAsync(answer.Hunts, answer.HuntConfirmations, cancellationToken)) || quarantined)
        {
            return HuntAnswerDelay;
        }
        // The tenant moved to its own center: the policy, assignment and credentials stay in force while the agent
        // switches, and the next sync (at once) is with the new center, which renews the credential.
        if (answer.MovedTo is { } moved && ServerAddress.ParseAcceptable(moved.Address) is { } address && address != center.Address)
        {
            center.Repoint(address, moved.CertificateSha256.Length > 0 ? moved.CertificateSha256 : null);
            LogMoved(logger, address);
            return MinimumSpacing;
        }
        return answer.SyncIntervalSeconds > 0 ? TimeSpan.FromSeconds(answer.SyncIntervalSeconds) : DefaultInterval;
    }

    /// <summary>An empty list without a suspension means the center has nothing to offer now: the agent keeps the
    /// servers it has.</summary>
    private void ApplyAssignment(SyncResponse answer)
    {
        servers.Suspended = answer.TenantSuspended;
        if (answer.ScanServers.Count == 0)
        {
            return;
        }
        // Plain http:// only on loopback, whoever says otherwise: content never crosses a network in clear.
        var endpoints = answer.ScanServers.Select(s => (Sent: s, Address: ServerAddress.ParseAcceptable(s.Address)))
            .Where(s => s.Address is not null || LogRefusedAddress(s.Sent.Address))
            .Select(s => new ScanServerEndpoint
            {
                Address = s.Address!,
                CertificateSha256 = s.Sent.CertificateSha256.Length > 0 ? s.Sent.CertificateSha256 : null,
            }).ToList();
        if (endpoints.Count > 0 && servers.Replace(endpoints))
        {
            assignments.Save(endpoints);
        }
    }

    private static HealthReport ToWire(HealthSnapshot snapshot) => new HealthReport
    {
        OperatingSystem = snapshot.OperatingSystem,
        Kernel = snapshot.Kernel,
        UptimeSeconds = (long)snapshot.Uptime.TotalSeconds,
        VirtualCpus = snapshot.VirtualCpus,
        DiskTotalBytes = snapshot.DiskTotalBytes,
        DiskFreeBytes = snapshot.DiskFreeBytes,
        OnAccessEnabled = snapshot.OnAccessActive,
        ScanServer = snapshot.ScanServer?.ToString() ?? "",
        ScanServerReachable = snapshot.ScanServerReachable,
        DatabaseVersion = snapshot.DatabaseVersion ?? "",
    }.WithOsHealth(snapshot);

    private static void AddFirewall(HealthReport report, FirewallStatus status)
    {
        report.FirewallState = status.State;
        report.FirewallRulesSha256 = status.RulesSha256;
        report.FirewallRepairs = status.Repairs;
        report.FirewallLeftOut.AddRange(status.Skipped.Take(64)); // the center refuses a report with more
        foreach (var (rule, hits) in status.Counters.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var counter = new FirewallRuleCounter { Rule = rule, Packets = hits.Packets, Bytes = hits.Bytes };
            if (status.TopTalkers.TryGetValue(rule, out var talkers))
            {
                counter.Talkers.AddRange(talkers.Select(t => new FirewallTalker { Address = t.Address.ToString(), Packets = t.Hits.Packets, Bytes = t.Hits.Bytes }));
            }
            report.FirewallCounters.Add(counter);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The center renewed the agent credential (valid until {ExpiresAt:u})")]
    private static partial void LogRenewed(ILogger logger, DateTimeOffset expiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The agent's tenant moved to its own center: syncing with {Center} from now on")]
    private static partial void LogMoved(ILogger logger, Uri center);

    [LoggerMessage(Level = LogLevel.Information, Message = "Center task {TaskId} ({Kind}) received; it may start at {NotBefore:u}")]
    private static partial void LogTaskReceived(ILogger logger, string taskId, TaskKind kind, DateTimeOffset notBefore);

    [LoggerMessage(Level = LogLevel.Error, Message = "The center refused the agent credential ({Reason}); the agent may have been revoked. To enrol again, delete enrolment.json in the state directory and set a new enrolment token")]
    private static partial void LogCredentialRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sync with the center failed ({Reason}); the agent keeps its assignment and policy and tries again")]
    private static partial void LogUnreachable(ILogger logger, string reason);

    /// <summary>Logs a scan-server address the agent will not dial; returns false so the entry is dropped.</summary>
    private bool LogRefusedAddress(string address)
    {
        LogAddressRefused(logger, address);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The center assigned scan server '{Address}', which is not an https:// address (http:// only on loopback): ignored")]
    private static partial void LogAddressRefused(ILogger logger, string address);
}

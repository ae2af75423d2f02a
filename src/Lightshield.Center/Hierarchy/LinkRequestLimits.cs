using Lightshield.Protocol.Link;

namespace Lightshield.Center.Hierarchy;

/// <summary>What an upward exchange may carry. A request outside these limits is refused whole, with every problem
/// named: nothing of it is applied, and the tenant center keeps it queued until it is fixed.</summary>
public static class LinkRequestLimits
{
    /// <summary>Items per exchange; the tenant center sends its queue in batches of this size.</summary>
    public const int MaxItems = 500;

    /// <summary>Largest request the main center reads (gRPC refuses a larger one with RESOURCE_EXHAUSTED).</summary>
    public const int MaxMessageBytes = 256 * 1024;

    public const int MaxVersionLength = 64;

    /// <summary>Far more than any tenant runs; a count above it is garbage.</summary>
    public const int MaxCount = 10_000_000;

    public static IReadOnlyList<string> Check(LinkExchangeRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        if (request.CenterVersion.Length > MaxVersionLength)
        {
            problems.Add($"center_version is longer than {MaxVersionLength} characters");
        }
        if (request.TenantId.Length > 0 && !Guid.TryParse(request.TenantId, out _))
        {
            problems.Add("tenant_id is not a tenant id");
        }
        problems.AddRange(LinkedCenterKeys.Problems(request.AgentKeys, request.RevokedCredentials));
        if (request.Items.Count > MaxItems)
        {
            problems.Add($"{request.Items.Count} items in one exchange; at most {MaxItems}");
            return problems;
        }
        long previous = 0;
        var latestHour = now.AddHours(1).ToUnixTimeSeconds();
        var latestDay = LinkDays.Of(now) + 1;
        foreach (var item in request.Items)
        {
            var at = $"item {item.Sequence}";
            if (item.Sequence <= previous)
            {
                problems.Add($"{at}: sequences must be positive and increase");
            }
            previous = item.Sequence;
            switch (item.ItemCase)
            {
                case LinkUpItem.ItemOneofCase.Snapshot:
                    var s = item.Snapshot;
                    if (new[] { s.Agents, s.Vcpus, s.ProtectedAgents, s.HealthGreen, s.HealthAmber, s.HealthRed }.Any(c => c is < 0 or > MaxCount)
                        || s.ProtectedAgents > s.Agents || s.HealthGreen + (long)s.HealthAmber + s.HealthRed > s.Agents)
                    {
                        problems.Add($"{at}: snapshot counts are negative, too large or inconsistent");
                    }
                    break;
                case LinkUpItem.ItemOneofCase.Usage:
                    var u = item.Usage;
                    if (u.HourUnix % 3600 != 0 || u.HourUnix <= 0 || u.HourUnix > latestHour)
                    {
                        problems.Add($"{at}: usage hour {u.HourUnix} is not a whole past hour");
                    }
                    if (u.PeakVcpus is < 0 or > MaxCount || u.VcpuSeconds < 0 || u.VcpuSeconds > (long)u.PeakVcpus * 3600)
                    {
                        problems.Add($"{at}: usage of {u.VcpuSeconds} vCPU-seconds at a peak of {u.PeakVcpus} vCPUs is not possible in one hour");
                    }
                    break;
                case LinkUpItem.ItemOneofCase.Detections:
                    if (item.Detections.Day <= 0 || item.Detections.Day > latestDay || item.Detections.Detections is < 0 or > MaxCount)
                    {
                        problems.Add($"{at}: detection day {item.Detections.Day} or its count is out of range");
                    }
                    break;
                case LinkUpItem.ItemOneofCase.OrderApplied:
                    if (!Guid.TryParse(item.OrderApplied.OrderId, out _) || item.OrderApplied.GroupsReset is < 0 or > MaxCount)
                    {
                        problems.Add($"{at}: order_applied names no order");
                    }
                    break;
                case LinkUpItem.ItemOneofCase.MoveApplied:
                    if (!Guid.TryParse(item.MoveApplied.MoveId, out _) || item.MoveApplied.Agents is < 0 or > MaxCount || item.MoveApplied.Rows < 0)
                    {
                        problems.Add($"{at}: move_applied names no move or has impossible counts");
                    }
                    break;
                default:
                    problems.Add($"{at}: carries nothing this center knows");
                    break;
            }
        }
        return problems;
    }
}

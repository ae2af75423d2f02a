namespace Lightshield.FleetBench.Storm;

/// <summary>The storm: <paramref name="Vms"/> VMs on <paramref name="Hosts"/> hypervisor hosts (round robin), all with
/// a full scan scheduled for the same minute. A VM's full scan alone needs <paramref name="ScanMinutes"/> of one scan
/// slot; each host's scan server runs <paramref name="ServerSlots"/> scans at once and shares them among the scans in
/// progress (the rest wait in its queue).</summary>
internal sealed record StormSpec(int Vms, int Hosts, int ServerSlots, double ScanMinutes, double SpreadMinutes, int Seed);

/// <summary>One variant of the storm: whether starts are spread and whether the per-host cap (leases) applies.</summary>
internal sealed record StormVariant(string Name, bool Spread, bool Cap);

/// <summary>What one variant produced.</summary>
/// <param name="Variant">The variant's name.</param>
/// <param name="Cap">Full scans allowed at once per host (0: no cap).</param>
/// <param name="PeakScansPerHost">Most full scans running at once on a host (the busiest host).</param>
/// <param name="PeakQueueDepth">Most scans waiting for a slot of a host's scan server (the busiest host).</param>
/// <param name="SlotMinutesQueued">Scan-minutes spent waiting in scan-server queues, all hosts.</param>
/// <param name="LastDoneMinutes">From the scheduled minute to the last VM's scan done.</param>
/// <param name="MedianScanMinutes">Median time from a VM's scan start to its end (longer when the server is shared).</param>
/// <param name="MaxScanMinutes">Longest time from a VM's scan start to its end.</param>
internal sealed record StormOutcome(string Variant, int Cap, int PeakScansPerHost, int PeakQueueDepth, double SlotMinutesQueued,
    double LastDoneMinutes, double MedianScanMinutes, double MaxScanMinutes);

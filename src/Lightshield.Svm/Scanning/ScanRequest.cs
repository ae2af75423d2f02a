using Lightshield.Svm.Admission;
using Lightshield.Verdicts;

namespace Lightshield.Svm.Scanning;

/// <summary>The header of a streamed scan, as the client declared it. Nothing here is trusted:
/// the key is checked against the received bytes, the tenant only picks a fair-queuing lane. <paramref name="FreshOnly"/>:
/// an outdated cached verdict is rescanned instead of answered (decision 31).</summary>
public sealed record ScanRequest(FileKey DeclaredKey, ScanPriority Priority, string Tenant, string? FileName, bool Force, bool FreshOnly = false);

/// <summary>A verdict and whether it came from the cache (content not scanned).</summary>
public sealed record ScanOutcome(Verdict Verdict, bool Cached);

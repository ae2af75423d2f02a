using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Center.Scheduling;

/// <summary>
/// Where in a schedule's spread window one agent starts: a deterministic offset from the agent id and the schedule
/// name. The same agent always starts at the same point (predictable for its owner), different agents are spread
/// evenly over the window, and no state or coordination is needed to compute it.
/// </summary>
public static class ScanSpread
{
    public static TimeSpan OffsetFor(Guid agentId, string scheduleName, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(scheduleName);
        if (window <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(scheduleName.Length)];
        agentId.TryWriteBytes(input);
        var length = 16 + Encoding.UTF8.GetBytes(scheduleName, input[16..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input[..length], hash);
        var seconds = (long)(BinaryPrimitives.ReadUInt64LittleEndian(hash) % (ulong)Math.Max(1, (long)window.TotalSeconds));
        return TimeSpan.FromSeconds(seconds);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Lightshield.Center.Audit;

/// <summary>The hash of an audit row: SHA-256 over its canonical fields and the previous row's hash. Each field is
/// written as <c>length:value</c> so no two different rows share an encoding.</summary>
public static class AuditHash
{
    /// <summary>The <see cref="AuditEntry.PreviousHash"/> of the first row.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string Compute(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var canonical = new StringBuilder();
        Append(canonical, entry.Sequence.ToString(CultureInfo.InvariantCulture));
        Append(canonical, ToUnixMicroseconds(entry.Time).ToString(CultureInfo.InvariantCulture));
        Append(canonical, entry.Actor);
        Append(canonical, entry.TenantId?.ToString("D") ?? "");
        Append(canonical, entry.Action);
        Append(canonical, entry.Target);
        Append(canonical, entry.Details);
        Append(canonical, entry.PreviousHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }

    /// <summary>Audit times are kept to the microsecond, the precision both databases store.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(0).AddTicks(ToUnixMicroseconds(time) * 10);

    private static long ToUnixMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static void Append(StringBuilder canonical, string value) =>
        canonical.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
}

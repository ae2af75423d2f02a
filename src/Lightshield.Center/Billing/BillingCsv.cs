using System.Globalization;
using System.Text;

namespace Lightshield.Center.Billing;

/// <summary>The monthly report as CSV (RFC 4180, invariant culture, one line per tenant, header first). Text that a
/// spreadsheet would run as a formula is prefixed with an apostrophe.</summary>
public static class BillingCsv
{
    public const string Header = "month,tenant_id,tenant_name,peak_vcpus,vcpu_seconds,vcpu_hours,licensed_vcpus,overage_vcpu_hours,peak_overage_vcpus";

    public static string Write(MonthlyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder().Append(Header).Append("\r\n");
        foreach (var row in report.Tenants)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{report.Month},{row.TenantId:D},{Text(row.TenantName)},{row.PeakVcpus},{row.VcpuSeconds},{row.VcpuHours:F4},{row.LicensedVcpus},{row.OverageVcpuHours:F4},{row.PeakOverageVcpus}\r\n");
        }
        return csv.ToString();
    }

    private static string Text(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@')
        {
            value = "'" + value;
        }
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}

using System.Globalization;

namespace Lightshield.Center.Billing;

/// <summary>A calendar month in UTC, written <c>yyyy-MM</c> (<c>2026-11</c>).</summary>
public readonly record struct BillingMonth(int Year, int Month)
{
    public DateTimeOffset Start => new(Year, Month, 1, 0, 0, 0, TimeSpan.Zero);

    public DateTimeOffset End => Start.AddMonths(1);

    public static bool TryParse(string? text, out BillingMonth month)
    {
        month = default;
        if (text is null || text.Length != 7
            || !DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        month = new BillingMonth(parsed.Year, parsed.Month);
        return true;
    }

    public override string ToString() => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}

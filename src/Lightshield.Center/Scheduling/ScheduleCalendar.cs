using Cronos;

namespace Lightshield.Center.Scheduling;

/// <summary>When a cron schedule fires, in the tenant's time zone (so "02:00" stays 02:00 local across daylight
/// saving changes; a local time skipped by the change fires once at the next valid instant, as Cronos defines).</summary>
public static class ScheduleCalendar
{
    /// <summary>Occurrences in (<paramref name="after"/>, <paramref name="until"/>], oldest first.</summary>
    public static IEnumerable<DateTimeOffset> Between(string cron, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset until)
    {
        var expression = CronExpression.Parse(cron, CronFormat.Standard);
        return expression.GetOccurrences(after, until, zone, fromInclusive: false, toInclusive: true);
    }

    /// <summary>The IANA (or Windows) time zone id, or a clear error.</summary>
    public static TimeZoneInfo Zone(string timeZoneId)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(timeZoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new ArgumentException($"'{timeZoneId}' is not a known time zone (use an IANA name such as Europe/Berlin).", nameof(timeZoneId), e);
        }
    }
}

namespace Lightshield.Center.Hierarchy;

/// <summary>UTC days as the link counts them: days since 1970-01-01.</summary>
public static class LinkDays
{
    private static readonly int EpochDayNumber = DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;

    public static int Of(DateOnly day) => day.DayNumber - EpochDayNumber;

    public static int Of(DateTimeOffset time) => Of(DateOnly.FromDateTime(time.UtcDateTime));

    public static DateOnly ToDate(int day) => DateOnly.FromDayNumber(EpochDayNumber + day);
}

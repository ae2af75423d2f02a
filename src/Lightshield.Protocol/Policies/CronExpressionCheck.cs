using Cronos;

namespace Lightshield.Protocol.Policies;

/// <summary>Checks a five-field cron expression (minute hour day-of-month month day-of-week).</summary>
public static class CronExpressionCheck
{
    public static bool IsValid(string? expression, out string error)
    {
        if (string.IsNullOrWhiteSpace(expression) || expression.Length > 128)
        {
            error = "a cron expression has five fields, for example \"0 2 * * *\" (02:00 every day).";
            return false;
        }
        try
        {
            CronExpression.Parse(expression, CronFormat.Standard);
            error = "";
            return true;
        }
        catch (CronFormatException e)
        {
            error = e.Message;
            return false;
        }
    }
}

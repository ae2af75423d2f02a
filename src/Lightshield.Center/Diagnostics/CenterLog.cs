namespace Lightshield.Center.Diagnostics;

internal static partial class CenterLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Center options: {Options}")]
    public static partial void EffectiveOptions(ILogger logger, string options);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Database {Provider}: {Applied} migration(s) applied, schema at {Migration}")]
    public static partial void Migrated(ILogger logger, string provider, int applied, string migration);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Created the provider administrator '{UserName}' with the one-time password {Password} . Sign in (POST /api/v1/auth/login) and replace it; it is not shown again.")]
    public static partial void BootstrapPasswordGenerated(ILogger logger, string userName, string password);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Created the provider administrator '{UserName}' with the configured password")]
    public static partial void BootstrapPasswordConfigured(ILogger logger, string userName);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Refused a write outside the tenant scope on {Method} {Path}")]
    public static partial void IsolationViolation(ILogger logger, Exception exception, string method, string path);
}

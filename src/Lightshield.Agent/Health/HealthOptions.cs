using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Health;

/// <summary>How the agent checks its VM's health (section <c>Health</c>).</summary>
public sealed record HealthOptions
{
    public const string Section = "Health";

    /// <summary>Where the VM's file system starts, for the reboot flag and systemd's run directory. Default <c>/</c>;
    /// tests point it at a directory of their own.</summary>
    public string RootDirectory { get; init; } = "/";

    /// <summary>The mount table read for free space. Default <c>/proc/self/mounts</c>.</summary>
    public string MountTable { get; init; } = FileSystemUsage.MountTable;

    /// <summary>How often the package manager is asked for pending updates (it reads every package list: seconds of
    /// CPU). Default one hour; 1 minute to 1 day.</summary>
    public TimeSpan PendingUpdatesInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When the first check runs after the agent starts, ±50 % at random. Default 2 minutes; 0 to 1 hour.</summary>
    public TimeSpan PendingUpdatesFirstCheck { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest a health command (systemctl, apt-get, dnf) may run before it is killed. Default 60 s; 1 s to
    /// 10 min.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Every invalid setting, as messages naming it.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(RootDirectory) || !RootDirectory.StartsWith('/'))
        {
            errors.Add($"Health:RootDirectory must be an absolute path, not \"{RootDirectory}\".");
        }
        if (string.IsNullOrWhiteSpace(MountTable) || !MountTable.StartsWith('/'))
        {
            errors.Add($"Health:MountTable must be an absolute path, not \"{MountTable}\".");
        }
        if (PendingUpdatesInterval < TimeSpan.FromMinutes(1) || PendingUpdatesInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Health:PendingUpdatesInterval must be between 00:01:00 and 1.00:00:00, not {PendingUpdatesInterval}.");
        }
        if (PendingUpdatesFirstCheck < TimeSpan.Zero || PendingUpdatesFirstCheck > TimeSpan.FromHours(1))
        {
            errors.Add($"Health:PendingUpdatesFirstCheck must be between 00:00:00 and 01:00:00, not {PendingUpdatesFirstCheck}.");
        }
        if (CommandTimeout < TimeSpan.FromSeconds(1) || CommandTimeout > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Health:CommandTimeout must be between 00:00:01 and 00:10:00, not {CommandTimeout}.");
        }
        return errors;
    }
}

/// <summary>Reports every invalid health setting at once.</summary>
public sealed class HealthOptionsValidator : IValidateOptions<HealthOptions>
{
    public ValidateOptionsResult Validate(string? name, HealthOptions options) =>
        options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
}

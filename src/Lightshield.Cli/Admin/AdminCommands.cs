using System.CommandLine;

namespace Lightshield.Cli.Admin;

/// <summary>The admin commands over the center's REST API. A new part of the API is one file with a
/// <see cref="AdminGroup"/> and one line here.</summary>
public static class AdminCommands
{
    public static IEnumerable<Command> Create(CliEnvironment environment) =>
    [
        LoginCommands.Login(environment),
        LoginCommands.Logout(environment),
        TenantCommands.Create(environment),
        SegmentCommands.Create(environment),
        UserCommands.Create(environment),
        TokenCommands.Create(environment),
        GroupCommands.Create(environment),
        EnrolmentTokenCommands.Create(environment),
        AgentCommands.Create(environment),
        HealthCommands.Create(environment),
        PolicyCommands.Create(environment),
        TaskCommands.Create(environment),
        HuntCommands.Create(environment),
        OutbreakHuntCommands.Create(environment),
        EventCommands.Create(environment),
        QuarantineKeyCommands.Create(environment),
        QuarantineItemCommands.Create(environment),
        AuditCommands.Create(environment),
        UpdateCommands.Create(environment),
        LicenceCommands.Create(environment),
        BillingCommands.Create(environment),
        InventoryCommands.Create(environment),
        CenterCommands.Create(environment),
        SiteCommands.Create(environment),
    ];
}

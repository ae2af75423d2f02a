namespace Lightshield.Cli.Admin;

/// <summary>A kind of item a person names on the command line: the list the center keeps it in, and the fields that
/// name it besides its id. Every option and argument that names such an item takes a name or an id the same way
/// (<see cref="ItemResolver"/>).</summary>
/// <param name="Noun">How messages call it.</param>
/// <param name="ListPath">The REST list to look names up in (an array, or a page with <c>items</c>).</param>
/// <param name="IdField">The id's field (<c>id</c>).</param>
/// <param name="NameFields">Fields matched exactly, without regard to case; empty for items known by id only.</param>
public sealed record ItemKind(string Noun, string ListPath, string IdField, params string[] NameFields)
{
    public static readonly ItemKind Tenant = new("tenant", "tenants", "id", "name");
    public static readonly ItemKind Segment = new("segment", "segments", "id", "name");
    public static readonly ItemKind Group = new("agent group", "agent-groups", "id", "name");
    public static readonly ItemKind Agent = new("agent", "agents", "id", "hostName");
    public static readonly ItemKind User = new("user", "users", "id", "userName");
    public static readonly ItemKind Token = new("API token", "tokens", "id", "name");
    public static readonly ItemKind EnrolmentToken = new("enrolment token", "enrolment-tokens", "id", "name");
    public static readonly ItemKind Licence = new("licence", "licences", "id", "serial");

    /// <summary>Tasks have no name: an id or the start of one (as <c>tasks list</c> shows it), among the newest 500.</summary>
    public static readonly ItemKind Task = new("task", "tasks?pageSize=500", "id");

    /// <summary>Hunts have no name either: an id or the start of one, among the newest 500.</summary>
    public static readonly ItemKind Hunt = new("hunt", "hunts?pageSize=500", "id");

    /// <summary>Outbreak hunts (the provider's): an id or the start of one, among the newest 500.</summary>
    public static readonly ItemKind OutbreakHunt = new("outbreak hunt", "outbreak-hunts", "id");

    /// <summary>A signature version: its number or its database version (e.g. <c>27100</c>).</summary>
    public static readonly ItemKind Version = new("signature version", "updates/versions", "id", "databaseVersion");

    /// <summary>What a command's help says the value may be.</summary>
    public string Accepts => NameFields.Length == 0 ? $"the {Noun}'s id (or its first characters)"
        : $"the {Noun}'s {string.Join(" or ", NameFields.Select(Words))} or id";

    private static string Words(string field) => field switch
    {
        "hostName" => "host name",
        "userName" => "user name",
        "databaseVersion" => "database version",
        _ => field,
    };
}

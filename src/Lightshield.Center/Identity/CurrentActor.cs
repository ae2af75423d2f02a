namespace Lightshield.Center.Identity;

/// <summary>Who is acting in the current request or unit of work, as the audit log names it.</summary>
public sealed class CurrentActor
{
    /// <summary><c>user:NAME</c> for people and their tokens, <c>system</c> for the center itself, <c>anonymous</c> otherwise.</summary>
    public string Name { get; set; } = "anonymous";

    public Guid? UserId { get; set; }

    public Guid? TokenId { get; set; }
}

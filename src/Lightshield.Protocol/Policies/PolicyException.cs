namespace Lightshield.Protocol.Policies;

/// <summary>A policy was refused; <see cref="Errors"/> lists every problem found.</summary>
public sealed class PolicyException(IReadOnlyList<string> errors) : Exception("invalid policy: " + string.Join(" ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

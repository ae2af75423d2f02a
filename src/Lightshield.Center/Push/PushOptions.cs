namespace Lightshield.Center.Push;

/// <summary><c>Center:Push</c>: the agents' push channel.</summary>
public sealed class PushOptions
{
    public const string Section = "Center:Push";

    /// <summary>Off: <c>Subscribe</c> is refused (Unavailable) and agents hear of everything at their next sync.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Open streams per center instance; past it a subscription is refused (ResourceExhausted) and the agent
    /// retries later.</summary>
    public int MaxSubscriptions { get; set; } = 200_000;

    /// <summary>How often an idle stream carries a keep-alive, so a dead connection is noticed on both sides.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A stream ends after this long (±10 %); the agent opens another and authenticates again, so a credential
    /// that expired or was revoked stops receiving nudges.</summary>
    public TimeSpan MaxStreamLifetime { get; set; } = TimeSpan.FromMinutes(30);
}

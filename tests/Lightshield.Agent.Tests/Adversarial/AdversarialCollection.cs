namespace Lightshield.Agent.Tests.Adversarial;

/// <summary>The attack tests run one at a time: each one's racer takes a core, and timings are reported per test.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AdversarialCollection : ICollectionFixture<AttackerUser>
{
    public const string Name = "Adversarial";
}

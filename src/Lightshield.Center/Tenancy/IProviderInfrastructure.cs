namespace Lightshield.Center.Tenancy;

/// <summary>A row of the provider's own infrastructure (scan servers, their tokens, the credential signing keys):
/// visible to and written by provider and system scopes only. A tenant scope never sees or changes one.</summary>
public interface IProviderInfrastructure;

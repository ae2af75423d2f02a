namespace Lightshield.Center.Tenancy;

/// <summary>Thrown when a unit of work tries to write a row outside its tenant scope. Always a bug or an attack,
/// never an expected outcome: the request fails and nothing is saved.</summary>
public sealed class TenantIsolationException(string message) : InvalidOperationException(message);

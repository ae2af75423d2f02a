namespace Lightshield.Center.WebConsole;

/// <summary>Claims the console adds to its cookie for display only (never for access decisions).</summary>
public static class ConsoleClaims
{
    public const string TenantName = "lightshield:tenant-name";
}

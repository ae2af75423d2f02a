using System.Text;

namespace Lightshield.Testing;

/// <summary>Detectable content put together at run time, so that no file of the repository is itself a test virus
/// that a real antivirus would quarantine.</summary>
public static class TestSamples
{
    /// <summary>The name the starter database gives the EICAR test file.</summary>
    public const string EicarName = "Lightshield.Test.EICAR.UNOFFICIAL";

    /// <summary>The EICAR test file (68 bytes).</summary>
    public static byte[] Eicar() => Encoding.ASCII.GetBytes(EicarText);

    /// <summary>The EICAR test file as text.</summary>
    public static string EicarText => string.Concat(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-FILE!", "$H+H*");
}

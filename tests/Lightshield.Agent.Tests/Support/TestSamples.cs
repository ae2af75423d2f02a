using System.Text;

namespace Lightshield.Agent.Tests.Support;

/// <summary>Detectable content built at run time, so that no file of the repository is itself a test virus that a
/// real antivirus would quarantine.</summary>
internal static class TestSamples
{
    /// <summary>The EICAR test file (68 bytes), detected by the starter database as <c>Lightshield.Test.EICAR.UNOFFICIAL</c>.</summary>
    public static byte[] Eicar() => Encoding.ASCII.GetBytes(string.Concat(
        @"X5O!P%@AP[4\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-FILE!", "$H+H*"));
}

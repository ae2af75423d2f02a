using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lightshield.Engine.Native;

/// <summary>The <c>clcb_virus_found</c> callback. libclamav returns <c>CL_VIRUS</c> without a name for some
/// alerts (a top-level file over the maximum file size reports <c>Heuristics.Limits.Exceeded.MaxFileSize</c> only
/// through this callback), so the first name reported on the scanning thread is kept as a fallback.</summary>
internal static unsafe class ClamDetections
{
    [ThreadStatic]
    private static string? _first;

    public static delegate* unmanaged[Cdecl]<int, byte*, void*, void> Callback => &OnVirusFound;

    /// <summary>Forgets any name left by a previous scan on this thread; call before scanning.</summary>
    public static void Reset() => _first = null;

    /// <summary>The first name reported since <see cref="Reset"/>, if any.</summary>
    public static string? First => _first;

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnVirusFound(int descriptor, byte* name, void* context)
    {
        if (_first is not null || name is null)
        {
            return;
        }
        try
        {
            _first = Marshal.PtrToStringUTF8((nint)name);
        }
        catch (Exception)
        {
            // Never unwind into native code.
        }
    }
}

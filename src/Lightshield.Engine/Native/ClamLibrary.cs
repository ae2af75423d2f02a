using System.Runtime.InteropServices;

namespace Lightshield.Engine.Native;

/// <summary>Process-wide libclamav state: <c>cl_init</c> exactly once (thread-safe), the message callback,
/// and the version strings.</summary>
internal static class ClamLibrary
{
    private static readonly Lazy<string> Initialization = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>libclamav's version, e.g. <c>1.4.6</c>. Initializes the library on first use.</summary>
    public static string Version => Initialization.Value;

    /// <summary>The functionality level (flevel) of the engine; signatures may require a minimum or maximum.</summary>
    public static uint FunctionalityLevel
    {
        get
        {
            EnsureInitialized();
            return ClamNative.cl_retflevel();
        }
    }

    /// <summary>Runs <c>cl_init</c> once per process. Throws <see cref="EngineException"/> when the library is
    /// missing or refuses to initialize.</summary>
    public static void EnsureInitialized() => _ = Initialization.Value;

    public static string Describe(ClamError error) =>
        Marshal.PtrToStringUTF8(ClamNative.cl_strerror(error)) ?? $"error {(int)error}";

    private static unsafe string Initialize()
    {
        try
        {
            ClamNative.cl_set_clcb_msg(ClamMessages.Callback);
            var status = ClamNative.cl_init(ClamFlags.InitDefault);
            if (status != ClamError.Success)
            {
                throw new EngineException($"libclamav failed to initialize: {Describe(status)}.");
            }
            return Marshal.PtrToStringUTF8(ClamNative.cl_retver()) ?? "unknown";
        }
        catch (DllNotFoundException ex)
        {
            throw new EngineException(
                "libclamav.so.12 could not be loaded; install the libclamav12 package (ClamAV 1.4).", ex);
        }
    }
}

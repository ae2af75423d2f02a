using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Lightshield.Engine.Native;

/// <summary>Routes libclamav's log messages (<c>cl_set_clcb_msg</c>) to whoever is calling into libclamav on the
/// current thread. libclamav calls the message callback synchronously on the thread that called it (load, compile,
/// scan), so a thread-static sink is enough; messages with no sink are dropped instead of going to stderr.</summary>
internal static unsafe class ClamMessages
{
    [ThreadStatic]
    private static IClamMessageSink? _current;

    public static delegate* unmanaged[Cdecl]<ClamMessageSeverity, byte*, byte*, void*, void> Callback => &OnMessage;

    /// <summary>Sends libclamav messages on this thread to <paramref name="sink"/> until the scope is disposed.</summary>
    public static Scope Route(IClamMessageSink? sink)
    {
        var previous = _current;
        _current = sink;
        return new Scope(previous);
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMessage(ClamMessageSeverity severity, byte* fullMessage, byte* message, void* context)
    {
        var sink = _current;
        if (sink is null || message is null || !sink.Accepts(severity))
        {
            return;
        }
        try
        {
            var text = Marshal.PtrToStringUTF8((nint)message)?.TrimEnd();
            if (!string.IsNullOrEmpty(text))
            {
                sink.OnMessage(severity, text);
            }
        }
        catch (Exception)
        {
            // An exception must never unwind into native code; a lost log line is the lesser evil.
        }
    }

    internal readonly struct Scope(IClamMessageSink? previous) : IDisposable
    {
        public void Dispose() => _current = previous;
    }
}

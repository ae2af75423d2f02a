using Microsoft.Win32.SafeHandles;

namespace Lightshield.Engine.Native;

/// <summary>Owns one native <c>struct cl_engine</c>. Its reference count is the scan lease count:
/// a scan holds a reference (<see cref="TryAcquire"/> / <see cref="System.Runtime.InteropServices.SafeHandle.DangerousRelease"/>), and the
/// engine is freed with <c>cl_engine_free</c> only after <see cref="System.Runtime.InteropServices.SafeHandle.Dispose()"/> and the last lease
/// have both happened. A finalizer backs up a forgotten dispose.</summary>
internal sealed class ClamEngineHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public ClamEngineHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Takes a lease, or returns false when the handle was already disposed (a reload swapped it out
    /// between reading and leasing it; the caller reads the current engine again).</summary>
    public bool TryAcquire()
    {
        var acquired = false;
        try
        {
            DangerousAddRef(ref acquired);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
        return acquired;
    }

    protected override bool ReleaseHandle() => ClamNative.cl_engine_free(handle) == ClamError.Success;
}

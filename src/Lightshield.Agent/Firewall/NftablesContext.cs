using System.Runtime.InteropServices;
using Lightshield.Agent.Firewall.Native;

namespace Lightshield.Agent.Firewall;

/// <summary>A libnftables context in JSON mode, created at the first command (a VM without libnftables1 then gets a
/// clear error, not a crash at start). Its netlink socket belongs to the network namespace of the thread that created
/// it, so a namespaced caller creates and uses it on one thread. Calls are serialised: a context is not thread-safe.</summary>
public sealed class NftablesContext : INftables, IDisposable
{
    private readonly Lock _lock = new();
    private nint _context;
    private bool _disposed;

    private void Open()
    {
        try
        {
            _context = LibNftables.ContextNew(0);
        }
        catch (DllNotFoundException exception)
        {
            throw new NftablesException($"libnftables is not installed (Debian package libnftables1): {exception.Message}");
        }
        if (_context == 0)
        {
            throw new NftablesException("nft_ctx_new failed");
        }
        LibNftables.OutputSetFlags(_context, LibNftables.OutputJson);
        if (LibNftables.BufferOutput(_context) != 0 || LibNftables.BufferError(_context) != 0)
        {
            LibNftables.ContextFree(_context);
            _context = 0;
            throw new NftablesException("libnftables cannot buffer its output");
        }
    }

    public string Run(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_context == 0)
            {
                Open();
            }
            var status = LibNftables.RunCommand(_context, json);
            var output = Marshal.PtrToStringUTF8(LibNftables.GetOutputBuffer(_context)) ?? "";
            var error = Marshal.PtrToStringUTF8(LibNftables.GetErrorBuffer(_context)) ?? "";
            return status == 0 ? output : throw new NftablesException(error.Trim() is { Length: > 0 } e ? e : $"nftables refused the command ({status})");
        }
    }

    public bool Accepts(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_context == 0)
            {
                Open();
            }
            LibNftables.SetDryRun(_context, true);
            try
            {
                return LibNftables.RunCommand(_context, json) == 0;
            }
            finally
            {
                LibNftables.SetDryRun(_context, false);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            if (_context != 0)
            {
                LibNftables.ContextFree(_context);
                _context = 0;
            }
        }
    }
}

using System.Runtime.InteropServices;

namespace Lightshield.Agent.OnAccess;

/// <summary>A fanotify call failed: the message names the call, the errno text and what usually causes it.</summary>
public sealed class FanotifyException : Exception
{
    public FanotifyException()
    {
    }

    public FanotifyException(string message)
        : base(message)
    {
    }

    public FanotifyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private FanotifyException(string message, int errno)
        : base(message)
    {
        Errno = errno;
    }

    /// <summary>The errno of the failed call, 0 when none applies.</summary>
    public int Errno { get; }

    internal static FanotifyException FromErrno(string operation, int errno, string? hint)
    {
        var message = $"{operation} failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
        return new FanotifyException(hint is null ? message + "." : $"{message}. {hint}", errno);
    }
}

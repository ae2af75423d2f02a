namespace Lightshield.Quarantine.Native;

/// <summary>A failed system call on a directory descriptor, with its errno (the message already says it in words).</summary>
internal sealed class DirectoryCallException(string message, int errno) : IOException(message)
{
    public int Errno { get; } = errno;
}

namespace Lightshield.Engine.Native;

/// <summary><c>enum cl_msg</c> from clamav.h.</summary>
internal enum ClamMessageSeverity
{
    Verbose = 32,
    Warning = 64,
    Error = 128,
}

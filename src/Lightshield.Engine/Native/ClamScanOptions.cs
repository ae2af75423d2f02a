using System.Runtime.InteropServices;

namespace Lightshield.Engine.Native;

/// <summary><c>struct cl_scan_options</c>: five 32-bit flag words (CL_SCAN_GENERAL_*, _PARSE_*, _HEURISTIC_*,
/// _MAIL_*, _DEV_*).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ClamScanOptions
{
    public uint General;
    public uint Parse;
    public uint Heuristic;
    public uint Mail;
    public uint Dev;
}

using System.Runtime.InteropServices;

namespace Lightshield.Engine.Native;

/// <summary>Thin <c>LibraryImport</c> binding to libclamav 1.4 (Debian <c>libclamav12</c>). Signatures follow
/// /usr/include/clamav.h; <c>unsigned long</c> and <c>size_t</c> are 64-bit on the Linux x64 targets we support.
/// Callers go through <see cref="ClamLibrary"/>, which makes sure <c>cl_init</c> ran first.</summary>
internal static unsafe partial class ClamNative
{
    private const string Library = "libclamav.so.12";

    [LibraryImport(Library)]
    internal static partial ClamError cl_init(uint initOptions);

    [LibraryImport(Library)]
    internal static partial ClamEngineHandle cl_engine_new();

    [LibraryImport(Library)]
    internal static partial ClamError cl_engine_free(nint engine);

    [LibraryImport(Library)]
    internal static partial ClamError cl_engine_set_num(ClamEngineHandle engine, ClamEngineField field, long value);

    [LibraryImport(Library)]
    internal static partial long cl_engine_get_num(ClamEngineHandle engine, ClamEngineField field, out int error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ClamError cl_engine_set_str(ClamEngineHandle engine, ClamEngineField field, string value);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ClamError cl_load(string path, ClamEngineHandle engine, ref uint signatureCount, uint databaseOptions);

    [LibraryImport(Library)]
    internal static partial ClamError cl_engine_compile(ClamEngineHandle engine);

    [LibraryImport(Library)]
    internal static partial nint cl_fmap_open_memory(void* start, nuint length);

    [LibraryImport(Library)]
    internal static partial void cl_fmap_close(nint map);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ClamError cl_scanmap_callback(
        nint map, string? fileName, out nint virusName, out nuint scanned, ClamEngineHandle engine,
        ref ClamScanOptions options, nint context);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ClamError cl_scanfile(
        string fileName, out nint virusName, out nuint scanned, ClamEngineHandle engine, ref ClamScanOptions options);

    [LibraryImport(Library)]
    internal static partial nint cl_retver();

    [LibraryImport(Library)]
    internal static partial uint cl_retflevel();

    [LibraryImport(Library)]
    internal static partial nint cl_strerror(ClamError error);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial ClamError cl_countsigs(string path, uint countOptions, out uint signatureCount);

    [LibraryImport(Library)]
    internal static partial void cl_engine_set_clcb_virus_found(
        ClamEngineHandle engine, delegate* unmanaged[Cdecl]<int, byte*, void*, void> callback);

    [LibraryImport(Library)]
    internal static partial void cl_set_clcb_msg(delegate* unmanaged[Cdecl]<ClamMessageSeverity, byte*, byte*, void*, void> callback);
}

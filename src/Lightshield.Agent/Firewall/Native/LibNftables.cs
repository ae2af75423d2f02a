using System.Runtime.InteropServices;

namespace Lightshield.Agent.Firewall.Native;

/// <summary>Debian's <c>libnftables1</c>: the library behind <c>nft</c>, fed JSON so no rule text is ever parsed from
/// strings a tenant wrote.</summary>
internal static partial class LibNftables
{
    public const string Library = "libnftables.so.1";

    /// <summary>NFT_CTX_OUTPUT_JSON: listings come as JSON, and input is read as JSON.</summary>
    public const uint OutputJson = 1 << 4;

    [LibraryImport(Library, EntryPoint = "nft_ctx_new")]
    public static partial nint ContextNew(uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_free")]
    public static partial void ContextFree(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_output_set_flags")]
    public static partial void OutputSetFlags(nint context, uint flags);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_output")]
    public static partial int BufferOutput(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_buffer_error")]
    public static partial int BufferError(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_output_buffer")]
    public static partial nint GetOutputBuffer(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_get_error_buffer")]
    public static partial nint GetErrorBuffer(nint context);

    [LibraryImport(Library, EntryPoint = "nft_ctx_set_dry_run")]
    public static partial void SetDryRun(nint context, [MarshalAs(UnmanagedType.U1)] bool dryRun);

    [LibraryImport(Library, EntryPoint = "nft_run_cmd_from_buffer", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RunCommand(nint context, string buffer);
}

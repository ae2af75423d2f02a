using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lightshield.Quarantine.Vault;

namespace Lightshield.Quarantine.Format;

/// <summary>The plaintext manifest, stored as UTF-8 JSON in the item's trailer:
/// <c>manifest ‖ manifest length (4, big-endian) ‖ "LSQM"</c>. It holds only what a listing needs without the
/// tenant's private key; its SHA-256 is bound into the final content chunk, so an edited manifest makes the
/// restore fail.</summary>
internal sealed record QuarantineManifest
{
    public const int TrailerSize = 8;
    public const int MaximumSize = 64 * 1024;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ReadOnlySpan<byte> TrailerMagic => "LSQM"u8;

    public required string Id { get; init; }

    public required DateTimeOffset QuarantinedAt { get; init; }

    public required IReadOnlyList<string> Detections { get; init; }

    public required string Sha256 { get; init; }

    public required long Size { get; init; }

    public string? AgentId { get; init; }

    public required string KeyFingerprint { get; init; }

    public QuarantineItem ToItem() => new(Id, QuarantinedAt, Detections, Sha256, Size, AgentId, KeyFingerprint);

    public byte[] Encode() => JsonSerializer.SerializeToUtf8Bytes(this, JsonOptions);

    public static byte[] Hash(ReadOnlySpan<byte> encoded) => SHA256.HashData(encoded);

    /// <summary>The trailer that follows the manifest bytes.</summary>
    public static byte[] Trailer(int manifestLength)
    {
        var trailer = new byte[TrailerSize];
        BinaryPrimitives.WriteInt32BigEndian(trailer, manifestLength);
        TrailerMagic.CopyTo(trailer.AsSpan(4));
        return trailer;
    }

    public static QuarantineManifest Decode(ReadOnlySpan<byte> encoded, string itemForErrors)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<QuarantineManifest>(encoded, JsonOptions);
            return manifest is { Detections: not null, Id: not null, Sha256: not null, KeyFingerprint: not null }
                ? manifest
                : throw QuarantineHeader.Damaged(itemForErrors, "empty manifest");
        }
        catch (JsonException exception)
        {
            throw new QuarantineException($"item {itemForErrors} is damaged: unreadable manifest ({exception.Message})", exception);
        }
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lightshield.Protocol.Credentials;

namespace Lightshield.Protocol.Updates;

/// <summary>One file a signature covers.</summary>
public sealed record SignedUpdateFile(string Name, string Sha256, long Length);

/// <summary>What a verified signature file says: when the set was signed, by which key, and the exact file set.</summary>
public sealed record UpdateSignature(DateTimeOffset SignedAt, string KeyId, IReadOnlyList<SignedUpdateFile> Files);

/// <summary>
/// The provider's signature over a signature-database set, shipped as one more file of the version
/// (<see cref="FileName"/>), so the center stores and serves it like any other and never holds the key. Text, one
/// field per line, the files sorted by name:
/// <code>
/// lightshield-update-signature 1
/// signed-at 1796000000
/// key 0123456789abcdef
/// file daily.cvd &lt;sha256&gt; &lt;bytes&gt;
/// signature &lt;base64 ECDSA P-256 / SHA-256 over every byte before this line&gt;
/// </code>
/// A scan server applies a center version only if this file verifies under a key it trusts, lists exactly the version's
/// other files, and is not older than the signature of the version it runs (no downgrade to an older signed set).
/// </summary>
public static class UpdateSignatureFile
{
    public const string FileName = "lightshield-update.sig";
    private const string Magic = "lightshield-update-signature 1";
    private const int MaxFiles = 10_000;

    /// <summary>The signature file's text for <paramref name="files"/>, signed with <paramref name="key"/> (ECDSA P-256).</summary>
    public static string Sign(IEnumerable<SignedUpdateFile> files, DateTimeOffset signedAt, ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(key);
        if (key.KeySize != 256)
        {
            throw new CryptographicException($"an update signing key is ECDSA P-256, not a {key.KeySize}-bit key");
        }
        var sorted = files.OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        foreach (var file in sorted)
        {
            CheckFile(file);
        }
        if (sorted.Count == 0 || sorted.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != sorted.Count)
        {
            throw new ArgumentException("a signed set holds at least one file, each name once", nameof(files));
        }
        var keyId = CredentialPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo()).KeyId;
        var body = new StringBuilder()
            .Append(Magic).Append('\n')
            .Append(CultureInfo.InvariantCulture, $"signed-at {signedAt.ToUnixTimeSeconds()}\n")
            .Append(CultureInfo.InvariantCulture, $"key {keyId}\n");
        foreach (var file in sorted)
        {
            body.Append(CultureInfo.InvariantCulture, $"file {file.Name} {file.Sha256} {file.Length}\n");
        }
        var signature = key.SignData(Encoding.UTF8.GetBytes(body.ToString()), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return body.Append("signature ").Append(Convert.ToBase64String(signature)).Append('\n').ToString();
    }

    /// <summary>Parses and verifies <paramref name="text"/> under one of <paramref name="trusted"/>; an
    /// <see cref="UpdateSignatureException"/> saying what is wrong otherwise.</summary>
    public static UpdateSignature Verify(string text, IEnumerable<CredentialPublicKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(trusted);
        var cut = text.LastIndexOf("\nsignature ", StringComparison.Ordinal);
        if (!text.StartsWith(Magic + "\n", StringComparison.Ordinal) || cut < 0 || !text.EndsWith('\n'))
        {
            throw new UpdateSignatureException($"{FileName} is not a Lightshield update signature");
        }
        var lines = text[..(cut + 1)].Split('\n')[1..^1];
        if (lines.Length < 3 || !TryField(lines[0], "signed-at", out var signedAtText) || !TryField(lines[1], "key", out var keyId)
            || !long.TryParse(signedAtText, NumberStyles.None, CultureInfo.InvariantCulture, out var signedAtSeconds))
        {
            throw new UpdateSignatureException($"{FileName}: expected 'signed-at SECONDS' and 'key ID' after the first line");
        }
        var key = trusted.FirstOrDefault(k => k.KeyId == keyId)
            ?? throw new UpdateSignatureException($"{FileName} is signed by key {keyId}, which this scan server does not trust (Svm:TrustedUpdateKeys)");
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(text[(cut + "\nsignature ".Length)..].TrimEnd('\n'));
        }
        catch (FormatException)
        {
            throw new UpdateSignatureException($"{FileName}: the signature is not base64");
        }
        using (var verifier = ECDsa.Create())
        {
            verifier.ImportSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _);
            if (!verifier.VerifyData(Encoding.UTF8.GetBytes(text[..(cut + 1)]), signature, HashAlgorithmName.SHA256,
                    DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                throw new UpdateSignatureException($"{FileName}: the signature does not verify under key {keyId}: the set or the file was altered");
            }
        }
        var files = new List<SignedUpdateFile>();
        foreach (var line in lines[2..])
        {
            var parts = line.Split(' ');
            if (parts.Length != 4 || parts[0] != "file" || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                throw new UpdateSignatureException($"{FileName}: '{line}' is not 'file NAME SHA256 BYTES'");
            }
            files.Add(new SignedUpdateFile(parts[1], parts[2], length));
        }
        if (files.Count is 0 or > MaxFiles)
        {
            throw new UpdateSignatureException($"{FileName} lists {files.Count} files (1 to {MaxFiles})");
        }
        return new UpdateSignature(DateTimeOffset.FromUnixTimeSeconds(signedAtSeconds), keyId, files);
    }

    /// <summary>Whether <paramref name="signature"/> lists exactly <paramref name="files"/> (the version's files other than
    /// the signature itself), by name, SHA-256 and size; the first difference otherwise.</summary>
    public static string? Difference(UpdateSignature signature, IEnumerable<SignedUpdateFile> files)
    {
        ArgumentNullException.ThrowIfNull(signature);
        var signed = signature.Files.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var served = files.ToList();
        foreach (var file in served)
        {
            if (!signed.TryGetValue(file.Name, out var expected))
            {
                return $"'{file.Name}' is not in the signed set";
            }
            if (expected != file)
            {
                return $"'{file.Name}' differs from the signed one (signed {expected.Sha256}, {expected.Length} bytes)";
            }
        }
        var missing = signed.Keys.Except(served.Select(f => f.Name), StringComparer.Ordinal).FirstOrDefault();
        return missing is null ? null : $"'{missing}' is signed but not in the version";
    }

    private static void CheckFile(SignedUpdateFile file)
    {
        if (file.Name.Length is 0 or > 100 || file.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')) || file.Name == FileName
            || file.Sha256.Length != 64 || !file.Sha256.All(char.IsAsciiHexDigitLower) || file.Length <= 0)
        {
            throw new ArgumentException($"'{file.Name}' cannot be signed: a plain file name, a lower-case SHA-256 and a size above 0");
        }
    }

    private static bool TryField(string line, string name, out string value)
    {
        value = line.StartsWith(name + " ", StringComparison.Ordinal) ? line[(name.Length + 1)..] : "";
        return value.Length > 0;
    }
}

/// <summary>A signature file that does not verify or does not match; the message says why.</summary>
public sealed class UpdateSignatureException(string message) : Exception(message);

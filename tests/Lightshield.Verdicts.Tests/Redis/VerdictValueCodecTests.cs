namespace Lightshield.Verdicts.Tests;

public sealed class VerdictValueCodecTests
{
    private static readonly DateTimeOffset ScannedAt = new(2025, 11, 20, 8, 30, 0, TimeSpan.Zero);
    private static readonly Md5Digest Md5 = new(0x0123456789ABCDEF, 0xFEDCBA9876543210);

    public static TheoryData<Verdict> Verdicts() =>
    [
        Verdict.Clean("daily-27000", ScannedAt),
        Verdict.Infected("Win.Test.EICAR_HDB-1", "daily-27000", ScannedAt),
        Verdict.LimitExceeded("Heuristics.Limits.Exceeded.MaxFileSize", "file larger than 100 MB", "main-62;daily-27000", ScannedAt),
        new Verdict { Kind = VerdictKind.Infected, Names = ["A", "Ünïcode.Name", "C"], DatabaseVersion = "", ScannedAt = DateTimeOffset.MinValue },
    ];

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void EncodeThenDecode_ReturnsTheSameVerdictAndMd5(Verdict verdict)
    {
        var value = VerdictValueCodec.Encode(verdict, Md5);

        Assert.NotNull(value);
        Assert.True(VerdictValueCodec.TryDecode(value, out var decoded, out var md5));
        Assert.Equal(Md5, md5);
        Assert.Equal(verdict.Kind, decoded.Kind);
        Assert.Equal(verdict.Names, decoded.Names);
        Assert.Equal(verdict.Reason, decoded.Reason);
        Assert.Equal(verdict.DatabaseVersion, decoded.DatabaseVersion);
        Assert.Equal(verdict.ScannedAt, decoded.ScannedAt);
    }

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void TryDecode_EveryTruncationOrExtension_IsRejected(Verdict verdict)
    {
        var value = VerdictValueCodec.Encode(verdict, Md5)!;

        for (int length = 0; length < value.Length; length++)
        {
            Assert.False(VerdictValueCodec.TryDecode(value.AsSpan(0, length), out _, out _), $"accepted {length} of {value.Length} bytes");
        }
        Assert.False(VerdictValueCodec.TryDecode([.. value, 0], out _, out _));
    }

    [Fact]
    public void TryDecode_RandomBytes_NeverThrows()
    {
        var random = new Random(1234);
        var valid = VerdictValueCodec.Encode(Verdict.Infected("Win.Test", "db-1", ScannedAt), Md5)!;
        for (int i = 0; i < 20_000; i++)
        {
            // Half pure noise, half a valid value with a few bytes flipped.
            byte[] value;
            if (i % 2 == 0)
            {
                value = new byte[random.Next(0, 80)];
                random.NextBytes(value);
            }
            else
            {
                value = [.. valid];
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    value[random.Next(value.Length)] = (byte)random.Next(256);
                }
            }
            if (VerdictValueCodec.TryDecode(value, out var decoded, out _))
            {
                Assert.True(decoded.Kind is VerdictKind.Clean or VerdictKind.Infected or VerdictKind.LimitExceeded);
            }
        }
    }

    [Fact]
    public void TryDecode_InvalidUtf8_IsRejected()
    {
        var value = VerdictValueCodec.Encode(Verdict.Infected("Win.X", "db-1", ScannedAt), Md5)!;
        value[^1] = 0xFF; // the last byte of the name

        Assert.False(VerdictValueCodec.TryDecode(value, out _, out _));
    }

    [Fact]
    public void TryDecode_CleanWithNamesOrInfectedWithout_IsRejected()
    {
        var clean = VerdictValueCodec.Encode(Verdict.Clean("db-1", ScannedAt), Md5)!;
        var infected = VerdictValueCodec.Encode(Verdict.Infected("Win.X", "db-1", ScannedAt), Md5)!;
        clean[1] = (byte)VerdictKind.Infected;
        infected[1] = (byte)VerdictKind.Clean;

        Assert.False(VerdictValueCodec.TryDecode(clean, out _, out _));
        Assert.False(VerdictValueCodec.TryDecode(infected, out _, out _));
    }

    [Fact]
    public void Encode_VerdictBeyondTheFormatLimits_ReturnsNull()
    {
        var manyNames = new Verdict
        {
            Kind = VerdictKind.Infected,
            Names = [.. Enumerable.Range(0, VerdictValueCodec.MaxNames + 1).Select(i => $"Sig.{i}")],
            DatabaseVersion = "db-1",
        };
        var longReason = Verdict.LimitExceeded("Limit", new string('x', VerdictValueCodec.MaxStringBytes + 1), "db-1", ScannedAt);

        Assert.Null(VerdictValueCodec.Encode(manyNames, Md5));
        Assert.Null(VerdictValueCodec.Encode(longReason, Md5));
        Assert.Null(VerdictValueCodec.Encode(Verdict.Failed("engine error", "db-1", ScannedAt), Md5));
    }
}

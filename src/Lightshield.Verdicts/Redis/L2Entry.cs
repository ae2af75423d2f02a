namespace Lightshield.Verdicts;

/// <summary>A current verdict read from L2 with the content MD5 it was stored with (needed to back-fill L1).</summary>
internal readonly record struct L2Entry(Verdict Verdict, Md5Digest Md5);

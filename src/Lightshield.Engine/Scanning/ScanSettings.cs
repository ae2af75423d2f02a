using System.Globalization;
using Lightshield.Engine.Native;
using Lightshield.Verdicts;

namespace Lightshield.Engine;

/// <summary>The native form of the verdict-affecting <see cref="EngineOptions"/>, and the scan profile derived
/// from them and the libclamav version (never from the database).</summary>
internal sealed record ScanSettings
{
    private ScanSettings(EngineOptions options, string engineVersion, uint functionalityLevel)
    {
        Options = options;
        EngineVersion = engineVersion;
        ScanOptions = new ClamScanOptions
        {
            General = options.Heuristics ? ClamFlags.GeneralHeuristics : 0,
            Parse = ClamFlags.ParseAllButArchives | (options.ScanArchives ? ClamFlags.ParseArchive : 0),
            Heuristic = options.AlertExceedsMax ? ClamFlags.HeuristicExceedsMax : 0,
        };
        DatabaseOptions = ClamFlags.DbStandard | (options.DetectPua ? ClamFlags.DbPua : 0);
        ProfileDescription = string.Create(CultureInfo.InvariantCulture,
            $"libclamav={engineVersion};flevel={functionalityLevel}" +
            $";heuristics={Bit(options.Heuristics)};pua={Bit(options.DetectPua)};archives={Bit(options.ScanArchives)}" +
            $";alertexceedsmax={Bit(options.AlertExceedsMax)}" +
            $";maxfilesize={options.MaxFileSize};maxscansize={options.MaxScanSize};maxrecursion={options.MaxRecursion}" +
            $";maxfiles={options.MaxFiles};maxscantimems={MaxScanTimeMilliseconds(options)}" +
            $";general=0x{ScanOptions.General:x};parse=0x{ScanOptions.Parse:x};heuristic=0x{ScanOptions.Heuristic:x}" +
            $";mail=0x{ScanOptions.Mail:x};db=0x{DatabaseOptions:x}");
        Profile = ScanProfile.FromDescription(ProfileDescription);
    }

    public EngineOptions Options { get; }

    public string EngineVersion { get; }

    public ClamScanOptions ScanOptions { get; }

    public uint DatabaseOptions { get; }

    public string ProfileDescription { get; }

    public ScanProfile Profile { get; }

    public static ScanSettings For(EngineOptions options) =>
        new(options, ClamLibrary.Version, ClamLibrary.FunctionalityLevel);

    public static long MaxScanTimeMilliseconds(EngineOptions options) => (long)options.MaxScanTime.TotalMilliseconds;

    private static int Bit(bool value) => value ? 1 : 0;
}

using MudBlazor;

namespace Lightshield.Center.WebConsole.Components.Layout;

/// <summary>The console's colours; system fonts only (the console loads nothing from other sites).</summary>
internal static class ConsoleTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5fa8", AppbarBackground = "#16324f", Secondary = "#c0392b" },
        Typography = new Typography { Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"] } },
    };
}

using Lightshield.ServiceDefaults;

namespace Lightshield.Center.Hosting;

/// <summary>Builds the center application. Used by <c>lightshield-center</c> and by the functional tests.</summary>
public static class CenterApp
{
    public static WebApplication Build(string[] args, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.AddSettingsFile(Environment.GetEnvironmentVariable(SettingsFile.Variable));
        builder.Configuration.AddEnvironmentVariables("LIGHTSHIELD_");
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }
        builder.AddCenter();
        var app = builder.Build();
        app.MapCenter();
        return app;
    }
}

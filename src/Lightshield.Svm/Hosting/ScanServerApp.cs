using Lightshield.ServiceDefaults;

namespace Lightshield.Svm.Hosting;

/// <summary>Builds a scan server application. Used by <c>lightshield-svm</c>, by <c>lightshield up</c> and
/// <c>lightshield scan</c> (in-process server) and by the functional tests.</summary>
public static class ScanServerApp
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
        builder.AddScanServer();
        var app = builder.Build();
        app.MapScanServer();
        return app;
    }
}

using Lightshield.Engine.Tests.Support;
using Lightshield.Testing;
using Microsoft.Extensions.Logging;

namespace Lightshield.Engine.Tests;

public sealed class ScanEngineLoggingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Load_AndReload_AreLoggedWithVersions()
    {
        Samples.CopyStarterDatabase(_temp.Path);
        var logger = new ListLogger();
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path }, logger: logger);
        _temp.Write("more.ndb", Samples.BodySignature("More.Marker", "MORE-MARKER"));

        var reload = engine.Reload();

        var messages = logger.Entries.Select(entry => entry.Message).ToList();
        Assert.Contains(messages, message => message.StartsWith($"Loaded signature database {reload.Previous.Version} from {_temp.Path}: 3 signatures in 2 files", StringComparison.Ordinal));
        Assert.Contains(messages, message => message.StartsWith($"Scan engine libclamav {engine.EngineVersion} ready: profile {engine.Profile}", StringComparison.Ordinal));
        Assert.Contains($"Reloaded signature database {reload.Previous.Version} -> {reload.Current.Version}: 1 changed files", messages);
    }

    [Fact]
    public void Reload_Failure_IsLoggedAsErrorWithLibClamAvDetails()
    {
        Samples.CopyStarterDatabase(_temp.Path);
        var logger = new ListLogger();
        using var engine = ScanEngine.Load(new EngineOptions { DatabaseDirectory = _temp.Path }, logger: logger);
        _temp.Write("broken.ndb", "Broken:0:*:zz\n");

        Assert.Throws<EngineException>(engine.Reload);

        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Error
            && entry.Message.Contains($"database {engine.Database.Version} keeps serving", StringComparison.Ordinal));
        Assert.Contains(logger.Entries, entry => entry.Level == LogLevel.Warning
            && entry.Message.StartsWith("libclamav: ", StringComparison.Ordinal)
            && entry.Message.Contains("broken.ndb", StringComparison.Ordinal));
    }
}

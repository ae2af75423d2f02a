using Microsoft.Extensions.Configuration;

namespace Lightshield.ServiceDefaults.Tests;

public sealed class SettingsFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lightshield-settings-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_named_file_is_read_and_later_sources_still_win()
    {
        var file = Path.Combine(_directory, "svm.json");
        File.WriteAllText(file, """{ "Svm": { "Listen": "0.0.0.0:7443", "DataDirectory": "/var/lib/lightshield/svm" } }""");

        var configuration = new ConfigurationBuilder()
            .AddSettingsFile(file)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Svm:Listen"] = "127.0.0.1:9443" })
            .Build();

        Assert.Equal("/var/lib/lightshield/svm", configuration["Svm:DataDirectory"]);
        Assert.Equal("127.0.0.1:9443", configuration["Svm:Listen"]);
    }

    [Fact]
    public void No_variable_reads_no_file()
    {
        var configuration = new ConfigurationBuilder().AddSettingsFile(null).AddSettingsFile("").Build();

        Assert.Empty(configuration.AsEnumerable());
    }

    [Fact]
    public void A_named_file_that_is_missing_fails_the_start_and_names_the_file()
    {
        var missing = Path.Combine(_directory, "center.json");

        var error = Assert.Throws<FileNotFoundException>(() => new ConfigurationBuilder().AddSettingsFile(missing).Build());

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }
}

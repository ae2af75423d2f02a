using Lightshield.Agent.Files;

namespace Lightshield.Agent.Tests.Files;

public sealed class PathExclusionsTests
{
    [Theory]
    [InlineData("/proc", true)]
    [InlineData("/proc/1/maps", true)]
    [InlineData("/processes/x", false)]
    [InlineData("/var/log/syslog.log", true)]
    [InlineData("/var/log/syslog", false)]
    [InlineData("/srv/cache/a/b/c.tmp", true)]
    [InlineData("/srv/cache.tmp", false)]
    [InlineData("/home/u/file?.txt", false)]
    public void IsExcluded_Globs_MatchAsDocumented(string path, bool excluded)
    {
        var exclusions = new PathExclusions(["/proc/**", "/var/log/*.log", "/srv/cache/**/*.tmp"]);
        Assert.Equal(excluded, exclusions.IsExcluded(path));
    }

    [Fact]
    public void IsExcluded_NoGlobs_NothingExcluded() => Assert.False(new PathExclusions([]).IsExcluded("/anything"));
}

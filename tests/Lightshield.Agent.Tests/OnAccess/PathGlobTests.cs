using Lightshield.Agent.OnAccess;

namespace Lightshield.Agent.Tests.OnAccess;

public sealed class PathGlobTests
{
    [Theory]
    [InlineData("/proc/**", "/proc/1/maps", true)]
    [InlineData("/proc/**", "/proc/", true)]
    [InlineData("/proc/**", "/process/1", false)]
    [InlineData("**/*.log", "/var/log/syslog.log", true)]
    [InlineData("**/*.log", "/app.log", true)]
    [InlineData("**/*.log", "/var/log/app.log.1", false)]
    [InlineData("/var/*.log", "/var/app.log", true)]
    [InlineData("/var/*.log", "/var/log/app.log", false)]
    [InlineData("/a/**/b", "/a/b", true)]
    [InlineData("/a/**/b", "/a/x/y/b", true)]
    [InlineData("/a/**/b", "/a/xb", false)]
    [InlineData("/tmp/file?.txt", "/tmp/file1.txt", true)]
    [InlineData("/tmp/file?.txt", "/tmp/file/.txt", false)]
    [InlineData("/exact/path", "/exact/path", true)]
    [InlineData("/exact/path", "/exact/path2", false)]
    [InlineData("*", "/anything", false)]
    [InlineData("**", "/anything/at/all", true)]
    public void IsMatch_PatternAndPath_MatchesGlobSemantics(string pattern, string path, bool expected) =>
        Assert.Equal(expected, PathGlob.Parse(pattern).IsMatch(path));

    [Fact]
    public void IsMatch_ManyStarsAgainstLongPath_AnswersQuickly()
    {
        var glob = PathGlob.Parse("/**a*a*a*a*a*a*a*a*b");
        var path = "/" + new string('a', 4000);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(glob.IsMatch(path));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }
}

using Lightshield.Agent.OnAccess;

namespace Lightshield.Agent.Tests.OnAccess;

public sealed class OnAccessScopeTests
{
    private static readonly OnAccessScope Scope = new(new OnAccessOptions
    {
        ProtectedPaths = ["/srv/", "/home"],
        DefaultFailPolicy = FailPolicy.FailOpen,
        FailPolicies =
        [
            new FailPolicyRule("/srv", FailPolicy.FailClosed),
            new FailPolicyRule("/srv/cache/", FailPolicy.FailOpen),
        ],
        ExcludedPaths = ["**/*.log"],
        ExcludedProcesses = ["backupd", "/opt/*/bin/indexer"],
    });

    [Theory]
    [InlineData("/srv", true)]
    [InlineData("/srv/www/index.html", true)]
    [InlineData("/srvx/file", false)]
    [InlineData("/home/user/a", true)]
    [InlineData("/etc/passwd", false)]
    public void IsProtected_Path_DirectoryPrefixOnly(string path, bool expected) =>
        Assert.Equal(expected, Scope.IsProtected(path));

    [Theory]
    [InlineData("/srv/www/a", FailPolicy.FailClosed)]
    [InlineData("/srv/cache/a", FailPolicy.FailOpen)]
    [InlineData("/srv/cachet/a", FailPolicy.FailClosed)]
    [InlineData("/home/a", FailPolicy.FailOpen)]
    public void FailPolicyFor_Path_LongestPrefixWins(string path, FailPolicy expected) =>
        Assert.Equal(expected, Scope.FailPolicyFor(path));

    [Theory]
    [InlineData("backupd", "/usr/sbin/backupd", true)]
    [InlineData("backup-worker", "/usr/sbin/backupd", true)] // comm differs, executable name matches
    [InlineData("indexer", "/opt/acme/bin/indexer", true)]
    [InlineData("indexer", "/usr/bin/indexer", false)]
    [InlineData(null, null, false)]
    [InlineData("cat", "/usr/bin/cat", false)]
    public void IsProcessExcluded_NameOrExecutable_Matches(string? name, string? executable, bool expected) =>
        Assert.Equal(expected, Scope.IsProcessExcluded(new ProcessIdentity(name, executable)));

    [Fact]
    public void ProtectedPaths_TrailingSlash_Normalized() =>
        Assert.Equal(["/srv", "/home"], Scope.ProtectedPaths);
}

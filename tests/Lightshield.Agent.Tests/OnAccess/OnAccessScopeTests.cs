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
        DenyLimitExceededPaths = ["/srv/www/"],
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
    [InlineData("/srv/www", true)]
    [InlineData("/srv/www/upload/huge.iso", true)]
    [InlineData("/srv/wwwx/huge.iso", false)]
    [InlineData("/home/user/huge.iso", false)] // the default: allowed (and reported)
    public void DeniesLimitExceeded_OnlyUnderTheConfiguredPaths(string path, bool expected) =>
        Assert.Equal(expected, Scope.DeniesLimitExceeded(path));

    [Fact]
    public void PolicyDenyLimitExceededPaths_BecomeOnAccessSettings_AndAreValidated()
    {
        var policy = new Lightshield.Protocol.Policies.OnAccessPolicy { DenyLimitExceededPaths = ["/srv/www", "/opt/app"] };

        var settings = Lightshield.Agent.Center.OnAccessPolicySettings.From(policy);
        var invalid = new Lightshield.Protocol.Policies.PolicyDocument { OnAccess = policy with { DenyLimitExceededPaths = ["relative/path"] } }.Validate();

        Assert.Equal("/srv/www", settings["OnAccess:DenyLimitExceededPaths:0"]);
        Assert.Equal("/opt/app", settings["OnAccess:DenyLimitExceededPaths:1"]);
        Assert.Contains(invalid, error => error.Contains("onAccess.denyLimitExceededPaths", StringComparison.Ordinal));
        Assert.Contains("OnAccess:DenyLimitExceededPaths", string.Join(" ", new OnAccessOptions { DenyLimitExceededPaths = ["x"] }.Validate()), StringComparison.Ordinal);
    }

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

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

    [Fact]
    public void IsProcessExcluded_TheExcludedExecutablesInode_Matches()
    {
        var cat = CatIdentity();

        Assert.True(ProcessScope.IsProcessExcluded(cat));
        Assert.True(ProcessScope.IsProcessExcluded(cat with { Name = "renamed", ExecutablePath = "/tmp/anything" }));
    }

    [Theory]
    [InlineData("cat", "/usr/bin/cat")] // the name and path of the excluded executable, another inode: a copy
    [InlineData("backupd", "/usr/sbin/backupd")] // a bare name in the configuration excludes nothing
    [InlineData("indexer", "/opt/acme/bin/indexer")] // nor does a pattern
    [InlineData(null, null)]
    public void IsProcessExcluded_NameOrPathWithoutTheInode_DoesNotMatch(string? name, string? executable)
    {
        var other = CatIdentity() with { Name = name, ExecutablePath = executable, ExecutableInode = CatIdentity().ExecutableInode + 1 };

        Assert.False(ProcessScope.IsProcessExcluded(other));
        Assert.False(ProcessScope.IsProcessExcluded(new ProcessIdentity(name, executable)));
    }

    [Fact]
    public void ProcessExclusions_NamePatternOrFileOthersCanWrite_AreRefusedWithTheReason()
    {
        var writable = Path.Combine(Path.GetTempPath(), $"lightshield-scope-{Guid.NewGuid():n}");
        File.WriteAllText(writable, "#!/bin/sh\n");
        try
        {
            File.SetUnixFileMode(writable, (UnixFileMode)Convert.ToInt32("777", 8));
            var scope = new OnAccessScope(new OnAccessOptions { ProtectedPaths = ["/srv"], ExcludedProcesses = ["backupd", "/opt/*/bin/indexer", writable] });

            Assert.False(scope.HasProcessExclusions);
            Assert.Equal(3, scope.RefusedProcessExclusions.Count);
            Assert.Contains(scope.RefusedProcessExclusions, reason => reason.StartsWith("'backupd': ", StringComparison.Ordinal));
            Assert.Contains(scope.RefusedProcessExclusions, reason => reason.Contains("other users can write", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(writable);
        }
    }

    private static readonly OnAccessScope ProcessScope = new(new OnAccessOptions { ProtectedPaths = ["/srv"], ExcludedProcesses = ["/usr/bin/cat"] });

    /// <summary>What a process running <c>/usr/bin/cat</c> looks like (its executable's device and inode).</summary>
    private static ProcessIdentity CatIdentity()
    {
        Assert.True(Lightshield.Client.Files.UnixFileStatus.TryGet(new FileInfo("/usr/bin/cat").ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "/usr/bin/cat", out var status));
        return new ProcessIdentity("cat", "/usr/bin/cat", status.Device, status.Inode);
    }

    [Fact]
    public void ProtectedPaths_TrailingSlash_Normalized() =>
        Assert.Equal(["/srv", "/home"], Scope.ProtectedPaths);
}

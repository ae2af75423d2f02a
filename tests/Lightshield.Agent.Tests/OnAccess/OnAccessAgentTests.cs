using System.Diagnostics;
using Lightshield.Agent.Tests.Support;
using Lightshield.Quarantine;
using Lightshield.Quarantine.Vault;
using Lightshield.Testing;

namespace Lightshield.Agent.Tests.OnAccess;

/// <summary>The must-show of on-access protection, end to end: the real <c>lightshield-agent</c> process protecting a
/// directory (on a fresh tmpfs) through a real scan server, opens by other processes (<c>/bin/cat</c>), the
/// quarantine vault, and a restore with the tenant's private key.</summary>
public sealed class OnAccessAgentTests : IDisposable
{
    private const string OperationNotPermitted = "Operation not permitted";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private static readonly DateTime PlacedModified = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    private readonly TempState _state = new();
    private TmpfsMount? _mount;

    public void Dispose()
    {
        _mount?.Dispose();
        _state.Dispose();
    }

    [RootFact]
    public async Task Agent_ProtectingDirectory_DeniesAndQuarantinesEicarAndRestoreGivesBackTheOriginal()
    {
        _mount = new TmpfsMount();
        var eicar = TestSamples.Eicar();
        var protectedDirectory = Path.Combine(_mount.Root, "protected");
        Directory.CreateDirectory(protectedDirectory);
        var placed = Path.Combine(protectedDirectory, "placed-before-start.com");
        await File.WriteAllBytesAsync(placed, eicar);
        File.SetUnixFileMode(placed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        Assert.Equal(0, (await ChildProcess.RunAsync("chown", ["1234:2345", placed])).ExitCode);
        File.SetLastWriteTimeUtc(placed, PlacedModified);
        var clean = _mount.WriteFile("protected/clean.txt", "clean content, opened normally");

        using var privateKey = QuarantineKeys.Generate();
        var publicKeyFile = Path.Combine(_state.Directory, "tenant.pub");
        await File.WriteAllTextAsync(publicKeyFile, QuarantineKeys.ExportPublicKeyPem(privateKey.PublicKey));
        await using var server = await LocalScanServer.StartAsync();

        // The agent starts only now: the placed file was never scanned.
        using var agent = AgentProcess.Start([
            $"Agent:ScanServers:0:Address={server.Endpoint.Address}",
            $"Agent:StateDirectory={_state.Directory}",
            "OnAccess:Enabled=true",
            $"OnAccess:ProtectedPaths:0={protectedDirectory}",
            "OnAccess:DecisionTimeout=00:00:30", // a loaded CI machine must not fail open on the first, cold scan
            "Actions:OnAccess=Quarantine",
            $"Actions:QuarantinePublicKeyFile={publicKeyFile}",
            "Logging:LogLevel:Default=Warning",
            "Logging:LogLevel:Lightshield.Agent.OnAccess=Information",
        ]);
        await agent.WaitForOutputAsync("On-access protection active", TimeSpan.FromSeconds(60));
        var vault = Path.Combine(_state.Directory, "quarantine");

        // 1. The file placed while the agent was stopped: its open is denied, then it is quarantined.
        var denied = await ChildProcess.RunAsync("/bin/cat", [placed]);
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains(OperationNotPermitted, denied.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("EICAR", denied.StandardOutput, StringComparison.Ordinal);
        await WaitUntilAsync(() => !File.Exists(placed) && new QuarantineStore(vault).List().Count == 1, agent, "the placed file quarantined");

        // 2. A clean file opens normally, with its content.
        var allowed = await ChildProcess.RunAsync("/bin/cat", [clean]);
        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal("clean content, opened normally", allowed.StandardOutput);

        // 3. A file written while protection runs is quarantined after it is closed, without anyone opening it again.
        var written = Path.Combine(protectedDirectory, "written-while-running.com");
        var writer = await ChildProcess.RunAsync("/bin/sh", ["-c", "cat > \"$1\"", "sh", written], stdin: eicar);
        Assert.Equal(0, writer.ExitCode);
        await WaitUntilAsync(() => !File.Exists(written) && new QuarantineStore(vault).List().Count == 2, agent, "the written file quarantined");

        // The vault holds the two items, encrypted: no plaintext content and no file name in any of its bytes.
        var items = new QuarantineStore(vault).List();
        Assert.All(items, item => Assert.Contains("Lightshield.Test.EICAR.UNOFFICIAL", item.Detections));
        foreach (var file in Directory.EnumerateFiles(vault, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(eicar) < 0, $"{file} holds the plaintext");
            Assert.True(bytes.AsSpan().IndexOf("EICAR-STANDARD"u8) < 0, $"{file} holds part of the plaintext");
            Assert.True(bytes.AsSpan().IndexOf("placed-before-start"u8) < 0, $"{file} holds a file name");
            Assert.DoesNotContain("placed", Path.GetFileName(file), StringComparison.Ordinal);
        }

        // Each detection is in the event outbox with its names and the action taken; a quarantined file's path is not
        // (it reaches the center only sealed to the tenant key, in the quarantine item).
        var detections = DetectionEvents();
        Assert.DoesNotContain(detections, d => d.Contains(placed, StringComparison.Ordinal) || d.Contains(written, StringComparison.Ordinal));
        Assert.Contains(detections, d => d.Contains("\"path\":null", StringComparison.Ordinal)
            && d.Contains("\"source\":\"on-access\"", StringComparison.Ordinal) && d.Contains("\"taken\":\"quarantined\"", StringComparison.Ordinal)
            && d.Contains("Lightshield.Test.EICAR.UNOFFICIAL", StringComparison.Ordinal) && d.Contains("\"process\":\"cat\"", StringComparison.Ordinal));
        Assert.Contains(detections, d => d.Contains("\"path\":null", StringComparison.Ordinal)
            && d.Contains("\"source\":\"after-close-write\"", StringComparison.Ordinal) && d.Contains("\"taken\":\"quarantined\"", StringComparison.Ordinal));

        // 4. Restore with the tenant's private key (the agent stopped: a running agent would quarantine it again).
        await agent.StopAsync();
        var store = new QuarantineStore(vault);
        var placedItem = Assert.Single(store.List(), item => store.ReadFileMetadata(item.Id, privateKey).OriginalPath == placed);
        var restored = await store.RestoreAsync(placedItem.Id, privateKey, targetPath: null, overwrite: false, CancellationToken.None);

        Assert.Equal(placed, restored.Path);
        Assert.True(restored.OwnerRestored);
        Assert.Equal(eicar, await File.ReadAllBytesAsync(placed));
        var status = await ChildProcess.RunAsync("stat", ["-c", "%u:%g:%a", placed]);
        Assert.Equal("1234:2345:640", status.StandardOutput.Trim());
        Assert.Equal(PlacedModified, File.GetLastWriteTimeUtc(placed));
    }

    private List<string> DetectionEvents()
    {
        using var connection = _state.Database.Open();
        using var select = connection.CreateCommand();
        select.CommandText = "SELECT payload FROM outbox WHERE type = 'detection'";
        using var reader = select.ExecuteReader();
        var payloads = new List<string>();
        while (reader.Read())
        {
            payloads.Add(reader.GetString(0));
        }
        return payloads;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, AgentProcess agent, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.False(agent.Process.HasExited, $"the agent exited with {(agent.Process.HasExited ? agent.Process.ExitCode : 0)}:\n{agent.Output}");
            Assert.True(deadline.Elapsed < Deadline, $"not done within {Deadline}: {what}\n{agent.Output}");
            await Task.Delay(50);
        }
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Lightshield.Agent.Center;
using Microsoft.Extensions.Logging;

namespace Lightshield.Agent.Tests.Center;

/// <summary>Point 1: an agent with a center and no credential enrols itself.</summary>
public sealed class EnrolmentTests
{
    [Fact]
    public async Task Enrol_GoodToken_StoresCredentialAndOwnKeyReadableOnlyByRoot()
    {
        await using var bed = await CenterTestBed.StartAsync();
        await using var agent = await bed.StartAgentAsync();
        var enrolment = Path.Combine(bed.State.Directory, EnrolmentStore.FileName);
        await agent.WaitUntilAsync(() => File.Exists(enrolment), "enrolment.json");

        var request = Assert.Single(bed.Center.Enrolments);
        Assert.Equal(CenterTestBed.HypervisorHost, request.HypervisorHost);
        Assert.Equal("web-servers", request.Group);
        Assert.True(request.VirtualCpus > 0);
        Assert.False(string.IsNullOrEmpty(request.OperatingSystem));

        var stored = JsonSerializer.Deserialize<EnrolmentRecord>(await File.ReadAllTextAsync(enrolment))!;
        Assert.Contains(stored.Credential, bed.Center.IssuedCredentials);
        Assert.Equal(bed.Center.AgentId.ToString(), stored.AgentId);
        Assert.Equal(bed.Center.TenantId.ToString(), stored.TenantId);
        Assert.NotNull(stored.QuarantinePublicKey);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(enrolment));

        var keyFile = Path.Combine(bed.State.Directory, AgentKeyPair.FileName);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        using var key = RSA.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(keyFile));
        Assert.Equal(AgentKeyPair.KeySize, key.KeySize);
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), request.AgentPublicKey.ToByteArray());

        // The next calls carry the credential.
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Count > 0, "a first sync");
        Assert.Contains(bed.Center.AuthenticatedCalls, c => c.Method == "Sync" && c.Credential == stored.Credential);
    }

    [Fact]
    public async Task Enrol_BadToken_LogsWhatToFixRetriesAndKeepsRunning()
    {
        await using var bed = await CenterTestBed.StartAsync();
        await using var agent = await bed.StartAgentAsync(token: "lset_not-a-token");

        await agent.WaitForAsync(bed.Center.Enrolments, enrolments => enrolments.Count >= 2, "a second enrolment attempt");
        Assert.True(agent.Log.Contains(LogLevel.Error, "Enrolment with the center"), agent.Log.ToString());
        Assert.True(agent.Log.Contains(LogLevel.Error, "Check Agent:EnrolmentToken"), agent.Log.ToString());
        Assert.True(agent.Log.Contains(LogLevel.Error, "the enrolment token is unknown"), agent.Log.ToString());
        Assert.True(agent.IsRunning);
        Assert.False(File.Exists(Path.Combine(bed.State.Directory, EnrolmentStore.FileName)));
        Assert.Empty(bed.Center.Syncs);
    }

    [Fact]
    public async Task Enrol_StoredCredentialFromBeforeProofs_IsSetAsideAndTheAgentEnrolsAgainWithItsProofKey()
    {
        await using var bed = await CenterTestBed.StartAsync();
        // What an agent of an older version stored: a credential that names no proof key, refused everywhere now.
        var now = DateTimeOffset.UtcNow;
        var old = bed.Center.SigningKey.Issue(new Lightshield.Protocol.Credentials.AgentClaims(Guid.NewGuid(), bed.Center.AgentId,
            bed.Center.TenantId, "default", now, now.AddHours(1), Lightshield.Protocol.Credentials.CredentialAudience.Center));
        var enrolment = Path.Combine(bed.State.Directory, EnrolmentStore.FileName);
        await File.WriteAllTextAsync(enrolment, JsonSerializer.Serialize(new EnrolmentRecord(bed.Center.AgentId.ToString(),
            bed.Center.TenantId.ToString(), old, now.AddHours(1), null, old)));

        await using var agent = await bed.StartAgentAsync();
        await agent.WaitForAsync(bed.Center.Syncs, syncs => syncs.Count > 0, "a first sync after enrolling again");

        var request = Assert.Single(bed.Center.Enrolments);
        var proofKey = Lightshield.Protocol.Credentials.ProofKey.FromPem(
            await File.ReadAllTextAsync(Path.Combine(bed.State.Directory, AgentProofKeyFile.FileName)));
        Assert.Equal(proofKey.PublicKeyInfo, request.AgentProofKey.ToByteArray());
        Assert.True(File.Exists(Path.Combine(bed.State.Directory, EnrolmentStore.SupersededFileName)));
        var stored = JsonSerializer.Deserialize<EnrolmentRecord>(await File.ReadAllTextAsync(enrolment))!;
        Assert.NotEqual(old, stored.Credential);
        Assert.DoesNotContain(bed.Center.AuthenticatedCalls, c => c.Credential == old);
    }
}

using Lightshield.Svm.Admission;
using Lightshield.Svm.Workers;

namespace Lightshield.Svm.Tests.Admission;

public sealed class AdmissionOptionsValidatorTests
{
    public static TheoryData<string, AdmissionOptions> BadOptions => new()
    {
        { "MaxTenantRunningShare must be a share of the slots between 0.01 and 1, not 0", new AdmissionOptions { MaxTenantRunningShare = 0 } },
        { "MaxTenantRunningShare must be a share of the slots between 0.01 and 1, not 1.5", new AdmissionOptions { MaxTenantRunningShare = 1.5 } },
        { "MaxTenantOnAccessShare must be a share of the slots between 0.01 and 1, not -0.5", new AdmissionOptions { MaxTenantOnAccessShare = -0.5 } },
        { "MaxTenantOnAccessShare must be a share of the slots between 0.01 and 1, not NaN", new AdmissionOptions { MaxTenantOnAccessShare = double.NaN } },
        { "TenantOnAccessRate must be more than 0", new AdmissionOptions { TenantOnAccessRate = 0 } },
        { "TenantOnAccessBurst must be between 1 and 1000000 scans, not 0", new AdmissionOptions { TenantOnAccessBurst = 0 } },
        { "ReceiveDeadline must be between 100 ms and one hour, not 00:00:00", new AdmissionOptions { ReceiveDeadline = TimeSpan.Zero } },
        { "ReceiveDeadline must be between 100 ms and one hour, not 02:00:00", new AdmissionOptions { ReceiveDeadline = TimeSpan.FromHours(2) } },
        { "MinUploadRate must be between 0 (no minimum) and 10 GiB/s, in bytes per second, not -1", new AdmissionOptions { MinUploadRate = -1 } },
        { "UploadRateGrace must be at least 0 and shorter than ReceiveDeadline (00:00:30), not 00:00:30",
            new AdmissionOptions { UploadRateGrace = TimeSpan.FromSeconds(30) } },
        { "UploadRateGrace must be at least 0 and shorter than ReceiveDeadline (00:00:30), not -00:00:01",
            new AdmissionOptions { UploadRateGrace = TimeSpan.FromSeconds(-1) } },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Validate_BadFairShareSetting_FailsNamingTheSettingAndTheValue(string message, AdmissionOptions options)
    {
        var result = new AdmissionOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Svm:Admission:" + message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new AdmissionOptionsValidator().Validate(null, new AdmissionOptions()).Succeeded);
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsEveryOne()
    {
        var result = new AdmissionOptionsValidator().Validate(null, new AdmissionOptions { MaxTenantRunningShare = 2, TenantOnAccessBurst = -1 });
        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new AdmissionOptions { MaxConcurrentScans = 8 };
        Assert.Equal((4, 4), (options.TenantRunningCap, options.TenantOnAccessCap));
        Assert.Equal((TimeSpan.FromSeconds(30), 64 * 1024L, TimeSpan.FromSeconds(5)), (options.ReceiveDeadline, options.MinUploadRate, options.UploadRateGrace));
        Assert.Equal((1, 1), (new AdmissionOptions { MaxConcurrentScans = 1 }.TenantRunningCap, new AdmissionOptions { MaxConcurrentScans = 1 }.TenantOnAccessCap));
    }

    [Fact]
    public void Defaults_AdmitTwiceAsManyScansAsTheWorkerRunsSoItsThreadsNeverWaitForAnUpload()
    {
        Assert.Equal(Environment.ProcessorCount, new WorkerOptions().ScanThreads);
        Assert.Equal(2 * new WorkerOptions().ScanThreads, new AdmissionOptions().MaxConcurrentScans);
    }
}

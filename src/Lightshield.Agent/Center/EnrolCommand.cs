using System.CommandLine;
using Lightshield.Agent.Configuration;
using Lightshield.Agent.Hosting;
using Lightshield.CommandLine;
using Microsoft.Extensions.Options;

namespace Lightshield.Agent.Center;

/// <summary><c>lightshield-agent enrol --center URL --token TOKEN --center-cert-sha256 FP</c>: the one line a VM's first
/// boot (cloud-init) runs. Enrols at once with the agent's own configuration (new keys, the VM's facts), so a wrong
/// token or fingerprint fails the boot script with a message instead of a service retrying quietly, and records the
/// center in the state directory for the service (<see cref="CenterLinkFile"/>). Exit 0 enrolled (or already), 2 not.</summary>
public static class EnrolCommand
{
    public static Command Create(Option<string> state)
    {
        var center = new Option<string>("--center") { Description = "The tenant's center for agents, https://host:port", Required = true };
        var token = new Option<string?>("--token") { Description = "The enrolment token (lightshield enrolment-tokens create); visible to local users while this runs, so prefer --token-file" };
        var tokenFile = new Option<string?>("--token-file") { Description = "File holding the enrolment token (e.g. written 0600 by cloud-init)" };
        var fingerprint = new Option<string?>("--center-cert-sha256") { Description = "SHA-256 fingerprint of the center's certificate to pin (as the center logs it); default: the system trust store" };
        var group = new Option<string?>("--group") { Description = "Agent group to enrol in (default: the token's group)" };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long to keep trying a center that does not answer (the network may come up late at first boot)",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(5),
        };
        var command = new Command("enrol", "Enrol this VM's agent with its tenant's center, then restart the service") { center, token, tokenFile, fingerprint, group, timeout, state };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(token) is null == parse.GetValue(tokenFile) is null)
            {
                await Console.Error.WriteLineAsync("lightshield-agent enrol: give the enrolment token with exactly one of --token and --token-file");
                return ExitCodes.Error;
            }
            if (!Uri.TryCreate(parse.GetValue(center), UriKind.Absolute, out var centerUri))
            {
                await Console.Error.WriteLineAsync($"lightshield-agent enrol: --center {parse.GetValue(center)}: not an address such as https://center.example:7501");
                return ExitCodes.Error;
            }
            var settings = new Dictionary<string, string?>
            {
                [Key(nameof(AgentOptions.Center))] = centerUri.ToString(),
                [Key(nameof(AgentOptions.CenterCertificateSha256))] = parse.GetValue(fingerprint),
                [Key(nameof(AgentOptions.EnrolmentToken))] = parse.GetValue(token),
                [Key(nameof(AgentOptions.EnrolmentTokenFile))] = parse.GetValue(tokenFile) is { } file ? Path.GetFullPath(file) : null,
                [Key(nameof(AgentOptions.StateDirectory))] = parse.GetValue(state),
            };
            if (parse.GetValue(group) is { } name)
            {
                settings[Key(nameof(AgentOptions.Group))] = name;
            }
            try
            {
                return await EnrolAsync(settings, parse.GetValue(timeout), cancellationToken);
            }
            catch (Exception exception) when (exception is OptionsValidationException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"lightshield-agent enrol: {exception.Message}");
                return ExitCodes.Error;
            }
        });
        return command;
    }

    private static async Task<int> EnrolAsync(Dictionary<string, string?> settings, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The host the service builds, with this command's settings over the configuration file's (twice: the first
        // decides center mode, the second wins over the file and the environment).
        var builder = Host.CreateApplicationBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddLightshieldAgent();
        builder.Configuration.AddInMemoryCollection(settings);
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptions<AgentOptions>>().Value;
        var store = host.Services.GetRequiredService<EnrolmentStore>();
        if (store.Current is { } existing)
        {
            Console.WriteLine($"already enrolled: agent {existing.AgentId} of tenant {existing.TenantId} "
                + $"(to enrol again, delete {Path.Combine(options.StateDirectory, EnrolmentStore.FileName)})");
            return ExitCodes.Clean;
        }
        var enroller = host.Services.GetRequiredService<CenterEnroller>();
        var deadline = DateTimeOffset.UtcNow + timeout;
        var pause = TimeSpan.FromSeconds(2);
        while (true)
        {
            var outcome = await enroller.EnrolOnceAsync(cancellationToken);
            if (outcome == EnrolmentOutcome.Enrolled)
            {
                CenterLinkFile.Save(options.StateDirectory, options.Center!, options.CenterCertificateSha256);
                // Plain lines (no wrapping at a terminal width): boot logs and scripts read them.
                Console.WriteLine($"enrolled: agent {store.Current!.AgentId} of tenant {store.Current.TenantId} at {options.Center}");
                Console.WriteLine("start it: systemctl restart lightshield-agent");
                return ExitCodes.Clean;
            }
            if (outcome == EnrolmentOutcome.Refused || DateTimeOffset.UtcNow + pause > deadline)
            {
                await Console.Error.WriteLineAsync(outcome == EnrolmentOutcome.Refused
                    ? "lightshield-agent enrol: the center refused the enrolment (see above); nothing was recorded"
                    : $"lightshield-agent enrol: the center did not answer within {timeout}; nothing was recorded");
                return ExitCodes.Error;
            }
            await Task.Delay(pause, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
    }

    private static string Key(string setting) => $"{AgentOptions.Section}:{setting}";
}

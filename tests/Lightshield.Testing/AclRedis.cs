using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lightshield.Testing;

/// <summary>A private redis-server on a free loopback port, run as a site runs it: one ACL user with a password,
/// the default user off; ACL and password files in a private temporary directory. For the tests of authentication,
/// which must not change the shared test Redis. Stopped (its process killed) on dispose.</summary>
public sealed class AclRedis : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private AclRedis(Process process, TempDirectory directory, int port, string user, string password, string passwordFile)
    {
        _process = process;
        _directory = directory;
        Address = $"127.0.0.1:{port}";
        User = user;
        Password = password;
        PasswordFile = passwordFile;
    }

    public string Address { get; }

    public string User { get; }

    public string Password { get; }

    /// <summary>A file holding <see cref="Password"/>.</summary>
    public string PasswordFile { get; }

    /// <summary>A file holding another password, for the "wrong password" cases.</summary>
    public string WrongPasswordFile() => _directory.Write("wrong.password", "not-" + Password);

    public static async Task<AclRedis> StartAsync(string user = "site-a")
    {
        var directory = new TempDirectory("lightshield-redis-");
        try
        {
            var password = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            var passwordFile = directory.Write("redis.password", password);
            var aclFile = directory.Write("users.acl", $"user default off\nuser {user} on >{password} ~* &* +@all\n");
            File.SetUnixFileMode(aclFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            int port = FreePort();
            var start = new ProcessStartInfo("redis-server")
            {
                ArgumentList = { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", directory.Path, "--aclfile", aclFile },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var redis = new AclRedis(process, directory, port, user, password, passwordFile);
            for (int i = 0; i < 100; i++)
            {
                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    return redis;
                }
                catch (SocketException) when (!process.HasExited)
                {
                    await Task.Delay(50);
                }
            }
            await redis.DisposeAsync();
            throw new InvalidOperationException($"redis-server did not listen on {port}.");
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _directory.Dispose();
    }
}

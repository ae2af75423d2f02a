using Lightshield.Center.Audit;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Hosting;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Identity;

/// <summary>On first start (no provider user at all) creates the provider administrator: with the configured
/// password, or with a random one-time password written to <see cref="PasswordFileName"/> in the data directory (mode
/// 0600; the log says where, never the password itself), which must be changed at first sign-in. There is no default
/// password.</summary>
public sealed class ProviderAdminBootstrap(CenterDbContext context, AuditLog audit, IOptions<CenterOptions> options,
    TimeProvider time, ILogger<ProviderAdminBootstrap> logger)
{
    /// <summary>The file, in <c>Center:DataDirectory</c>, that holds a generated one-time password.</summary>
    public const string PasswordFileName = "initial-admin-password";

    /// <summary>Needs a system-scoped context. Returns false when provider users already exist.</summary>
    public async Task<bool> RunAsync(CancellationToken cancellationToken)
    {
        if (await context.Users.AnyAsync(u => u.TenantId == null, cancellationToken))
        {
            return false;
        }
        var bootstrap = options.Value.Bootstrap;
        var password = bootstrap.AdminPassword ?? SecretTokens.CreatePassword();
        var user = new User
        {
            Id = Guid.NewGuid(),
            UserName = bootstrap.AdminUserName,
            PasswordHash = PasswordHasher.Hash(password),
            Role = Role.ProviderAdmin,
            MustChangePassword = bootstrap.AdminPassword is null,
            CreatedAt = time.GetUtcNow(),
        };
        context.Users.Add(user);
        audit.Record("user.bootstrap", $"user/{user.Id}", new { user.UserName, role = Roles.ProviderAdmin });
        if (bootstrap.AdminPassword is null)
        {
            // Before the user exists: a password nobody can read would lock the provider out.
            var path = Path.Combine(options.Value.DataDirectory, PasswordFileName);
            Directory.CreateDirectory(options.Value.DataDirectory);
            File.Delete(path);
            await using (var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
            }))
            await using (var writer = new StreamWriter(file))
            {
                await writer.WriteLineAsync(password.AsMemory(), cancellationToken);
            }
            await context.SaveChangesAsync(cancellationToken);
            CenterLog.BootstrapPasswordGenerated(logger, user.UserName, path);
            return true;
        }
        await context.SaveChangesAsync(cancellationToken);
        CenterLog.BootstrapPasswordConfigured(logger, user.UserName);
        return true;
    }
}

using Lightshield.Center.Audit;
using Lightshield.Center.Diagnostics;
using Lightshield.Center.Hosting;
using Lightshield.Center.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Lightshield.Center.Identity;

/// <summary>On first start (no provider user at all) creates the provider administrator: with the configured
/// password, or with a random one-time password written once to the log. There is no default password.</summary>
public sealed class ProviderAdminBootstrap(CenterDbContext context, AuditLog audit, IOptions<CenterOptions> options,
    TimeProvider time, ILogger<ProviderAdminBootstrap> logger)
{
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
            CreatedAt = time.GetUtcNow(),
        };
        context.Users.Add(user);
        audit.Record("user.bootstrap", $"user/{user.Id}", new { user.UserName, role = Roles.ProviderAdmin });
        await context.SaveChangesAsync(cancellationToken);
        if (bootstrap.AdminPassword is null)
        {
            CenterLog.BootstrapPasswordGenerated(logger, user.UserName, password);
        }
        else
        {
            CenterLog.BootstrapPasswordConfigured(logger, user.UserName);
        }
        return true;
    }
}

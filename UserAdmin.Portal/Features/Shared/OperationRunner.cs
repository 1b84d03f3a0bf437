using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// The one way a service changes data: a fresh scope and DbContext per operation, the acting member re-checked in
/// the database, the change and its activity records in one transaction, and the change notices published only
/// after commit. Pages and API endpoints call services; services call this.
/// </summary>
public sealed class OperationRunner(
    IServiceScopeFactory scopeFactory,
    IChangeNotifier notifier,
    TimeProvider clock,
    ILogger<OperationRunner> logger)
{
    /// <summary>Runs an operation for a member acting in their organization, refusing if they no longer may.</summary>
    public Task<OperationResult<T>> RunAsMemberAsync<T>(
        Actor actor,
        string? requiredPermission,
        Func<OperationContext, Task<OperationResult<T>>> body,
        CancellationToken ct = default) =>
        RunCoreAsync(actor.OrganizationId, actor.ClientAddress, async db =>
        {
            var member = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
            if (member is null)
            {
                return (null, OperationResult.Forbidden("You are not an active member of this organization."));
            }

            if (requiredPermission is not null && !member.Has(requiredPermission))
            {
                return (member, OperationResult.Forbidden($"You need the {requiredPermission} permission for this."));
            }

            return (member, null);
        }, body, ct);

    /// <summary>Runs a self-service or system operation (sign-in bookkeeping, own password, first-run setup).</summary>
    public Task<OperationResult<T>> RunAsync<T>(
        Guid? organizationId,
        string? clientAddress,
        Func<OperationContext, Task<OperationResult<T>>> body,
        CancellationToken ct = default) =>
        RunCoreAsync(organizationId, clientAddress, _ => Task.FromResult<(ActingMember?, OperationResult?)>((null, null)), body, ct);

    private async Task<OperationResult<T>> RunCoreAsync<T>(
        Guid? organizationId,
        string? clientAddress,
        Func<PortalDbContext, Task<(ActingMember? Member, OperationResult? Refusal)>> authorize,
        Func<OperationContext, Task<OperationResult<T>>> body,
        CancellationToken ct)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        OperationContext context;
        OperationResult<T> result;
        try
        {
            // Microsoft.Data.Sqlite begins IMMEDIATE transactions: writers queue on the busy timeout instead of failing
            // when a read inside the transaction would later need to upgrade to a write.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);

            var (member, refusal) = await authorize(db);
            if (refusal is not null)
            {
                return OperationResult<T>.Fail(refusal);
            }

            context = new OperationContext(scope.ServiceProvider, db, member, organizationId, clientAddress, clock.GetUtcNow().UtcDateTime);
            result = await body(context);
            if (!result.Succeeded)
            {
                return result;
            }

            await db.SaveChangesAsync(ct);
            await ActivityWriter.InsertAsync(db, context.Records, ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return OperationResult<T>.Fail(OperationResult.Conflict(
                "Someone else changed this since you loaded it. Reload to see their change, then try again."));
        }
        catch (Exception ex) when (DatabaseFaults.Describe(ex) is { } fault && !ct.IsCancellationRequested)
        {
            // Full disk, read-only file, a lock held past the busy timeout: the transaction rolls back (disposed
            // uncommitted), nothing is half-saved, and the caller says so in words (503 from the API).
            logger.LogWarning(ex, "A change could not be saved: {Fault}", fault);
            return OperationResult<T>.Fail(OperationResult.Unavailable(fault));
        }

        try
        {
            await notifier.PublishAsync(context.CommittedNotices());
        }
        catch (Exception ex)
        {
            // The change is committed; a failed notification must not turn it into an error for the caller.
            logger.LogWarning(ex, "Publishing change notices failed");
        }

        return result;
    }
}

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
    /// <summary>How long an operation waits for its turn to write before it is refused as busy.</summary>
    public static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(30);

    // SQLite takes one writer at a time. Its own wait for the write lock (busy_timeout) sleeps on the calling thread,
    // and Microsoft.Data.Sqlite's async methods run synchronously: twenty writers waiting there held twenty thread-pool
    // threads, and under load every request (reads too) queued behind them. Writers of this process therefore queue
    // here, without a thread, and find the lock free when their turn comes; the busy timeout is left for other
    // processes (a backup, the bulk test command).
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly AsyncLocal<bool> _writing = new();

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
        // An operation started from inside another's body (same async flow) already holds the turn.
        var nested = _writing.Value;
        if (!nested && !await _writer.WaitAsync(WriterWait, ct))
        {
            logger.LogWarning("An operation waited {Seconds} s for its turn to write and gave up", WriterWait.TotalSeconds);
            return OperationResult<T>.Fail(OperationResult.Unavailable(DatabaseFaults.BusyMessage));
        }

        OperationResult<T> result;
        OperationContext? committed;
        try
        {
            _writing.Value = true;
            (result, committed) = await RunInTransactionAsync(organizationId, clientAddress, authorize, body, ct);
        }
        finally
        {
            if (!nested)
            {
                _writing.Value = false;
                _writer.Release();
            }
        }

        if (committed is not null)
        {
            // Before anyone is told: caches of what the database said stop trusting their entries.
            CommittedChanges.Bump();

            // After the turn is handed on: a page refreshing on the notice never waits for the next writer.
            try
            {
                await notifier.PublishAsync(committed.CommittedNotices());
            }
            catch (Exception ex)
            {
                // The change is committed; a failed notification must not turn it into an error for the caller.
                logger.LogWarning(ex, "Publishing change notices failed");
            }
        }

        return result;
    }

    /// <summary>The operation in its transaction; the context is returned only when it committed.</summary>
    private async Task<(OperationResult<T> Result, OperationContext? Committed)> RunInTransactionAsync<T>(
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
                return (OperationResult<T>.Fail(refusal), null);
            }

            context = new OperationContext(scope.ServiceProvider, db, member, organizationId, clientAddress, clock.GetUtcNow().UtcDateTime);
            result = await body(context);
            if (!result.Succeeded)
            {
                return (result, null);
            }

            await db.SaveChangesAsync(ct);
            await ActivityWriter.InsertAsync(db, context.Records, ct);
            await transaction.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return (OperationResult<T>.Fail(OperationResult.Conflict(
                "Someone else changed this since you loaded it. Reload to see their change, then try again.")), null);
        }
        catch (Exception ex) when (DatabaseFaults.Describe(ex) is { } fault && !ct.IsCancellationRequested)
        {
            // Full disk, read-only file, a lock held past the busy timeout: the transaction rolls back (disposed
            // uncommitted), nothing is half-saved, and the caller says so in words (503 from the API).
            logger.LogWarning(ex, "A change could not be saved: {Fault}", fault);
            return (OperationResult<T>.Fail(OperationResult.Unavailable(fault)), null);
        }

        return (result, context);
    }
}

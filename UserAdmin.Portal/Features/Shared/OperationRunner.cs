using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// The one way a service changes data: a fresh scope and DbContext per operation, the acting member re-checked in
/// the database, the change and its activity records in one transaction, and the change notices published only
/// after commit. Pages and API endpoints call services; services call this.
/// <para>
/// Operations waiting for the writer's turn are run together (group commit): whoever gets the turn runs every
/// operation queued by then, up to <see cref="MaxGroup"/>, in one SQLite transaction, each inside its own savepoint
/// and with its own context on the shared connection. An operation that is refused, conflicts or throws is rolled
/// back to its savepoint alone; the others commit together. Each still sees the ones before it in the group, exactly
/// as if they had committed one after the other. Beginning and committing a transaction was a third of a write's turn.
/// </para>
/// </summary>
public sealed class OperationRunner(
    IServiceScopeFactory scopeFactory,
    IChangeNotifier notifier,
    TimeProvider clock,
    ILogger<OperationRunner> logger) : IDisposable
{
    /// <summary>How long an operation waits for its turn to write before it is refused as busy.</summary>
    public static readonly TimeSpan WriterWait = TimeSpan.FromSeconds(30);

    /// <summary>The most operations committed together.</summary>
    public const int MaxGroup = 32;

    /// <summary>How many more groups a turn runs, when operations are queued, after the one holding its own operation.</summary>
    public const int MaxGroupsPerTurn = 4;

    private const string Savepoint = "uap_operation";

    // SQLite takes one writer at a time. Its own wait for the write lock (busy_timeout) sleeps on the calling thread,
    // and Microsoft.Data.Sqlite's async methods run synchronously: twenty writers waiting there held twenty thread-pool
    // threads, and under load every request (reads too) queued behind them. Writers of this process therefore queue
    // here, without a thread, and find the lock free when their turn comes; the busy timeout is left for other
    // processes (a backup, the bulk test command).
    private readonly SemaphoreSlim _writer = new(1, 1);
    private readonly ConcurrentQueue<PendingOperation> _queue = new();
    private readonly AsyncLocal<bool> _writing = new();

    private long _groupsCommitted;

    /// <summary>How many groups have committed (for tests).</summary>
    internal long GroupsCommitted => Interlocked.Read(ref _groupsCommitted);

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
        OperationResult<T>? result = null;
        var pending = new PendingOperation(
            organizationId,
            clientAddress,
            authorize,
            async op =>
            {
                result = await body(op);
                return result.Succeeded;
            },
            refusal => result = OperationResult<T>.Fail(refusal),
            ct);

        OperationContext? committed;
        if (_writing.Value)
        {
            // Started from inside another operation's body (same async flow), which holds the turn: it runs at once.
            committed = await RunNestedAsync(pending);
        }
        else
        {
            _queue.Enqueue(pending);
            await TakeTurnAsync(pending);
            committed = await pending.Done.Task;
        }

        if (committed is not null)
        {
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

        return result!;
    }

    /// <summary>
    /// Waits for the writer's turn, or for another turn to run this operation, whichever comes first. A turn runs
    /// groups until the queue is empty, so operations queued meanwhile are answered without each waiting for a turn
    /// of its own (under load, every hand-over of the turn waited behind the thread pool's queue of reads).
    /// </summary>
    private async Task TakeTurnAsync(PendingOperation pending)
    {
        var wait = _writer.WaitAsync(WriterWait, pending.Ct);
        if (await Task.WhenAny(wait, pending.Done.Task) != wait)
        {
            // Run by another turn: the wait still pending hands the turn straight on when it comes.
            _ = wait.ContinueWith(
                static (w, state) =>
                {
                    if (w.IsCompletedSuccessfully && w.Result)
                    {
                        ((SemaphoreSlim)state!).Release();
                    }
                },
                _writer, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        bool turn;
        try
        {
            turn = await wait;
        }
        catch (OperationCanceledException) when (pending.TryAbandon())
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // Cancelled while another turn was already running it: its outcome stands and is awaited below.
            return;
        }

        if (!turn)
        {
            if (pending.TryAbandon())
            {
                logger.LogWarning("An operation waited {Seconds} s for its turn to write and gave up", WriterWait.TotalSeconds);
                pending.Fail(OperationResult.Unavailable(DatabaseFaults.BusyMessage));
                pending.Done.TrySetResult(null);
            }

            return;
        }

        try
        {
            // Each group takes everything queued so far (up to MaxGroup). The turn goes on while operations are queued,
            // for at most MaxGroupsPerTurn groups after this caller's own, so that its own answer is never held for long.
            var after = 0;
            while (!_queue.IsEmpty && (!pending.Done.Task.IsCompleted || after++ < MaxGroupsPerTurn))
            {
                await RunGroupAsync();
            }
        }
        finally
        {
            _writer.Release();
        }
    }

    private async Task RunGroupAsync()
    {
        var group = new List<PendingOperation>();
        while (group.Count < MaxGroup && _queue.TryDequeue(out var next))
        {
            if (next.TryTake())
            {
                group.Add(next);
            }
        }

        if (group.Count == 0)
        {
            return;
        }

        _writing.Value = true;
        try
        {
            await RunInOneTransactionAsync(group);
        }
        finally
        {
            _writing.Value = false;
        }
    }

    /// <summary>The group in one transaction; every operation's <see cref="PendingOperation.Done"/> is completed on return.</summary>
    private async Task RunInOneTransactionAsync(List<PendingOperation> group)
    {
        var scopes = new List<AsyncServiceScope>();
        var succeeded = new List<(PendingOperation Operation, OperationContext Context)>();
        try
        {
            var lead = scopeFactory.CreateAsyncScope();
            scopes.Add(lead);
            var leadDb = lead.ServiceProvider.GetRequiredService<PortalDbContext>();
            IDbContextTransaction transaction;
            try
            {
                // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the write lock is taken here, not half-way.
                transaction = await leadDb.Database.BeginTransactionAsync(CancellationToken.None);
            }
            catch (Exception ex) when (DatabaseFaults.Describe(ex) is { } fault)
            {
                logger.LogWarning(ex, "A change could not be saved: {Fault}", fault);
                FailAll(group, fault);
                return;
            }

            await using (transaction)
            {
                var shared = transaction.GetDbTransaction();
                for (var i = 0; i < group.Count; i++)
                {
                    var operation = group[i];
                    if (operation.Ct.IsCancellationRequested)
                    {
                        operation.Done.TrySetCanceled(operation.Ct);
                        continue;
                    }

                    var scope = i == 0 ? lead : scopeFactory.CreateAsyncScope();
                    if (i > 0)
                    {
                        scopes.Add(scope);
                    }

                    var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
                    if (i > 0)
                    {
                        db.Database.SetDbConnection(leadDb.Database.GetDbConnection(), contextOwnsConnection: false);
                        await db.Database.UseTransactionAsync(shared, CancellationToken.None);
                    }

                    var outcome = await RunOneAsync(operation, scope.ServiceProvider, db, shared);
                    if (outcome.Fault is { } fault)
                    {
                        // A full disk, a read-only file, a lock held past the busy timeout: the transaction may be gone
                        // (SQLite rolls some back itself), so nothing of the group is kept, and every caller is told.
                        logger.LogWarning(outcome.Error, "A change could not be saved: {Fault}", fault);
                        FailAll(group.Where(o => !o.Done.Task.IsCompleted), fault);
                        return;
                    }

                    if (outcome.Committable is { } context)
                    {
                        succeeded.Add((operation, context));
                    }
                }

                if (succeeded.Count == 0)
                {
                    return;
                }

                try
                {
                    await transaction.CommitAsync(CancellationToken.None);
                }
                catch (Exception ex) when (DatabaseFaults.Describe(ex) is { } fault)
                {
                    logger.LogWarning(ex, "A change could not be saved: {Fault}", fault);
                    FailAll(succeeded.Select(s => s.Operation), fault);
                    succeeded.Clear();
                    return;
                }
            }

            Interlocked.Increment(ref _groupsCommitted);

            // Before anyone is told: caches of what the database said stop trusting their entries.
            CommittedChanges.Bump();
            foreach (var (operation, context) in succeeded)
            {
                operation.Done.TrySetResult(context);
            }
        }
        catch (Exception ex)
        {
            // Not one operation's failure but the group's (a scope that cannot be built, a savepoint that cannot be
            // undone): every caller not yet answered gets the exception, as a lone operation's caller did.
            foreach (var operation in group)
            {
                operation.Done.TrySetException(ex);
            }
        }
        finally
        {
            foreach (var operation in group)
            {
                // Anything not completed above did not commit.
                operation.Done.TrySetResult(null);
            }

            for (var i = scopes.Count - 1; i >= 0; i--)
            {
                await scopes[i].DisposeAsync();
            }
        }
    }

    private readonly record struct Outcome(OperationContext? Committable, string? Fault = null, Exception? Error = null);

    /// <summary>One operation inside the group's transaction, in its own savepoint.</summary>
    private async Task<Outcome> RunOneAsync(PendingOperation operation, IServiceProvider services, PortalDbContext db, DbTransaction shared)
    {
        var ct = operation.Ct;
        await shared.SaveAsync(Savepoint, CancellationToken.None);
        try
        {
            var (member, refusal) = await operation.Authorize(db);
            if (refusal is not null)
            {
                operation.Fail(refusal);
            }
            else
            {
                var context = new OperationContext(services, db, member, operation.OrganizationId, operation.ClientAddress, clock.GetUtcNow().UtcDateTime);
                if (await operation.Body(context))
                {
                    await db.SaveChangesAsync(ct);
                    await ActivityWriter.InsertAsync(db, context.Records, ct);
                    await shared.ReleaseAsync(Savepoint, CancellationToken.None);
                    return new Outcome(context);
                }
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            operation.Fail(OperationResult.Conflict("Someone else changed this since you loaded it. Reload to see their change, then try again."));
        }
        catch (Exception ex) when (DatabaseFaults.Describe(ex) is { } fault && !ct.IsCancellationRequested)
        {
            return new Outcome(null, fault, ex);
        }
        catch (Exception ex)
        {
            // A bug or a cancellation: this operation's changes go, the caller gets the exception, the group goes on.
            await UndoAsync(shared);
            operation.Done.TrySetException(ex);
            return new Outcome(null);
        }

        // Refused, invalid or stale: nothing of it stays.
        await UndoAsync(shared);
        operation.Done.TrySetResult(null);
        return new Outcome(null);
    }

    private static async Task UndoAsync(DbTransaction shared)
    {
        await shared.RollbackAsync(Savepoint, CancellationToken.None);
        await shared.ReleaseAsync(Savepoint, CancellationToken.None);
    }

    /// <summary>An operation started inside another's body: it runs at once, in a transaction of its own, as it always did.</summary>
    private async Task<OperationContext?> RunNestedAsync(PendingOperation pending)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync(pending.Ct);
        var outcome = await RunOneAsync(pending, scope.ServiceProvider, db, transaction.GetDbTransaction());
        if (outcome.Fault is { } fault)
        {
            pending.Fail(OperationResult.Unavailable(fault));
            return null;
        }

        if (outcome.Committable is null)
        {
            return await pending.Done.Task;
        }

        await transaction.CommitAsync(pending.Ct);
        CommittedChanges.Bump();
        return outcome.Committable;
    }

    private static void FailAll(IEnumerable<PendingOperation> operations, string fault)
    {
        foreach (var operation in operations)
        {
            operation.Fail(OperationResult.Unavailable(fault));
            operation.Done.TrySetResult(null);
        }
    }

    private sealed class PendingOperation(
        Guid? organizationId,
        string? clientAddress,
        Func<PortalDbContext, Task<(ActingMember? Member, OperationResult? Refusal)>> authorize,
        Func<OperationContext, Task<bool>> body,
        Action<OperationResult> fail,
        CancellationToken ct)
    {
        private int _state; // 0 queued, 1 taken by a turn, 2 abandoned by its caller

        public Guid? OrganizationId { get; } = organizationId;
        public string? ClientAddress { get; } = clientAddress;
        public Func<PortalDbContext, Task<(ActingMember? Member, OperationResult? Refusal)>> Authorize { get; } = authorize;

        /// <summary>Runs the body and says whether it succeeded (the typed result is kept by the caller's closure).</summary>
        public Func<OperationContext, Task<bool>> Body { get; } = body;
        public Action<OperationResult> Fail { get; } = fail;
        public CancellationToken Ct { get; } = ct;

        /// <summary>The committed context, or null when nothing of it was committed (the result says why).</summary>
        public TaskCompletionSource<OperationContext?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsTaken => Volatile.Read(ref _state) == 1;

        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool TryAbandon() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }

    public void Dispose() => _writer.Dispose();
}

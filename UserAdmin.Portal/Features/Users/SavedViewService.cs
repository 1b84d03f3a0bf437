using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Users;

public sealed record SavedViewInfo(Guid Id, string Name, string Query);

/// <summary>
/// An admin's own named grid views. Personal display preferences, not changes to anyone's data, so they leave no
/// activity record; every call still checks that the actor is an active member allowed to list members.
/// </summary>
public sealed class SavedViewService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int MaxViewsPerAdmin = 50;

    public async Task<IReadOnlyList<SavedViewInfo>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SavedViews.AsNoTracking()
            .Where(v => v.AccountId == actor.AccountId && v.OrganizationId == actor.OrganizationId)
            .OrderBy(v => v.Name)
            .Select(v => new SavedViewInfo(v.Id, v.Name, v.Query))
            .ToListAsync(ct);
    }

    /// <summary>The view the admin used last, if they have not since gone back to the plain list.</summary>
    public async Task<SavedViewInfo?> LastUsedAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SavedViews.AsNoTracking()
            .Where(v => v.AccountId == actor.AccountId && v.OrganizationId == actor.OrganizationId && v.LastUsedAt != null)
            .OrderByDescending(v => v.LastUsedAt)
            .Select(v => new SavedViewInfo(v.Id, v.Name, v.Query))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>Saves the grid state under a name (replacing a view of the same name) and makes it the current one.</summary>
    public Task<OperationResult<SavedViewInfo>> SaveAsync(Actor actor, string name, MemberGridState state, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<SavedViewInfo>(actor, PortalPermissions.ViewUsers, async op =>
        {
            name = (name ?? "").Trim();
            if (name.Length is 0 or > SavedView.NameMaxLength || name.Any(char.IsControl))
            {
                return OperationResult<SavedViewInfo>.Fail(OperationResult.Invalid("Name", $"Give the view a name of 1–{SavedView.NameMaxLength} characters."));
            }

            // Only what defines the view is kept, never the paging position.
            var query = (state with { Anchor = PageAnchor.First, Cursor = null, PageNumber = 1, LastPageRows = null }).ToQuery();
            if (query.Length > SavedView.QueryMaxLength)
            {
                return OperationResult<SavedViewInfo>.Fail(OperationResult.Invalid("Name", "This view is too large to save."));
            }

            var mine = op.Db.SavedViews.Where(v => v.AccountId == actor.AccountId && v.OrganizationId == actor.OrganizationId);
            var view = await mine.SingleOrDefaultAsync(v => v.Name == name, ct);
            if (view is null)
            {
                if (await mine.CountAsync(ct) >= MaxViewsPerAdmin)
                {
                    return OperationResult<SavedViewInfo>.Fail(OperationResult.Invalid("Name", $"You can keep at most {MaxViewsPerAdmin} views; delete one first."));
                }

                view = new SavedView { Id = Guid.NewGuid(), AccountId = actor.AccountId, OrganizationId = actor.OrganizationId, Name = name, CreatedAt = op.Now };
                op.Db.SavedViews.Add(view);
            }

            view.Query = query;
            await MarkUsedAsync(op, actor, view.Id, ct);
            view.LastUsedAt = op.Now;
            return OperationResult<SavedViewInfo>.Ok(new SavedViewInfo(view.Id, view.Name, view.Query));
        }, ct);

    /// <summary>Marks a view as the current one, or none (back to the plain list) when <paramref name="viewId"/> is null.</summary>
    public Task<OperationResult<bool>> UseAsync(Actor actor, Guid? viewId, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ViewUsers, async op =>
        {
            await MarkUsedAsync(op, actor, viewId, ct);
            return OperationResult<bool>.Ok(true);
        }, ct);

    public Task<OperationResult<bool>> DeleteAsync(Actor actor, Guid viewId, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ViewUsers, async op =>
        {
            var deleted = await op.Db.SavedViews
                .Where(v => v.Id == viewId && v.AccountId == actor.AccountId && v.OrganizationId == actor.OrganizationId)
                .ExecuteDeleteAsync(ct);
            return deleted == 0 ? OperationResult<bool>.Fail(OperationResult.NotFound("No such view.")) : OperationResult<bool>.Ok(true);
        }, ct);

    private static async Task MarkUsedAsync(OperationContext op, Actor actor, Guid? viewId, CancellationToken ct)
    {
        await op.Db.SavedViews
            .Where(v => v.AccountId == actor.AccountId && v.OrganizationId == actor.OrganizationId)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.LastUsedAt, v => v.Id == viewId ? op.Now : (DateTime?)null), ct);
    }
}

using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Realtime;

namespace UserAdmin.Portal.Features.Groups;

public sealed record ApplicationPermissionRow(string Key, string Description, int GroupCount);

/// <summary>
/// Permission keys an organization defines for its downstream applications (e.g. <c>create_sample</c>). Groups grant
/// them like the portal's own; removing one takes it from every group in the same transaction.
/// </summary>
public sealed partial class ApplicationPermissionService(OperationRunner runner, IDbContextFactory<PortalDbContext> dbFactory)
{
    public const int DescriptionMaxLength = 500;

    [GeneratedRegex("^[a-z0-9_]{1,64}$")]
    private static partial Regex KeyPattern();

    public async Task<OperationResult<IReadOnlyList<ApplicationPermissionRow>>> ListAsync(Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var viewer = await ActingMemberLoader.LoadAsync(db, actor.AccountId, actor.OrganizationId, ct);
        if (viewer is null || !viewer.Has(PortalPermissions.ViewUsers))
        {
            return OperationResult<IReadOnlyList<ApplicationPermissionRow>>.Fail(OperationResult.Forbidden($"You need the {PortalPermissions.ViewUsers} permission for this."));
        }

        var rows = await db.ApplicationPermissions.AsNoTracking()
            .Where(p => p.OrganizationId == actor.OrganizationId)
            .OrderBy(p => p.Key)
            .Select(p => new ApplicationPermissionRow(p.Key, p.Description,
                db.GroupPermissions.Count(g => g.Permission == p.Key && db.Groups.Any(x => x.Id == g.GroupId && x.OrganizationId == actor.OrganizationId))))
            .ToListAsync(ct);
        return OperationResult<IReadOnlyList<ApplicationPermissionRow>>.Ok(rows);
    }

    public static Dictionary<string, string[]> Validate(string key, string description)
    {
        var errors = new Dictionary<string, string[]>();
        key = (key ?? "").Trim();
        if (!KeyPattern().IsMatch(key))
        {
            errors["Key"] = ["1–64 characters: lower-case letters, digits and '_'."];
        }
        else if (PortalPermissions.IsPortalPermission(key))
        {
            errors["Key"] = [$"'{key}' is one of the portal's own permissions."];
        }

        if ((description ?? "").Length > DescriptionMaxLength)
        {
            errors["Description"] = [$"At most {DescriptionMaxLength} characters."];
        }
        else if ((description ?? "").Any(char.IsControl))
        {
            errors["Description"] = ["Control characters are not allowed."];
        }

        return errors;
    }

    public Task<OperationResult<bool>> AddAsync(Actor actor, string key, string description, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<bool>(actor, PortalPermissions.ManageGroups, async op =>
        {
            if (Validate(key, description) is { Count: > 0 } errors)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Some fields need attention.", errors));
            }

            key = key.Trim();
            if (await op.Db.ApplicationPermissions.AnyAsync(p => p.OrganizationId == actor.OrganizationId && p.Key == key, ct))
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid("Key", $"'{key}' is already defined."));
            }

            op.Db.ApplicationPermissions.Add(new ApplicationPermission { OrganizationId = actor.OrganizationId, Key = key, Description = description?.Trim() ?? "" });
            var record = op.Record("application_permission.added", $"{op.Actor!.UserName} defined the application permission {key}", ActivityCategory.Admin,
                diff: new Dictionary<string, (object?, object?)> { ["permission"] = (null, key) });
            op.Notify(ChangeEntities.Group, key, "application_permission.added", record);
            return OperationResult<bool>.Ok(true);
        }, ct);

    /// <summary>
    /// Defines the preset's keys that the organization lacks, in one transaction with one activity record. Keys it
    /// defines already keep their descriptions, and the portal's own permissions are never defined again. Ok with the
    /// keys added, in the preset's order; empty (and nothing recorded) when none were missing.
    /// </summary>
    public Task<OperationResult<IReadOnlyList<string>>> AddPresetAsync(Actor actor, PermissionPreset preset, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<IReadOnlyList<string>>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var defined = (await op.Db.ApplicationPermissions.Where(p => p.OrganizationId == actor.OrganizationId).Select(p => p.Key).ToListAsync(ct))
                .ToHashSet(StringComparer.Ordinal);
            var missing = preset.Permissions.Where(p => !PortalPermissions.IsPortalPermission(p.Key) && !defined.Contains(p.Key)).ToList();
            if (missing.Count == 0)
            {
                return OperationResult<IReadOnlyList<string>>.Ok([]);
            }

            op.Db.ApplicationPermissions.AddRange(missing.Select(p => new ApplicationPermission { OrganizationId = actor.OrganizationId, Key = p.Key, Description = p.Description }));
            var keys = missing.Select(p => p.Key).ToList();
            var record = op.Record("application_permission.preset_added",
                $"{op.Actor!.UserName} added the {preset.Name} permissions: {string.Join(", ", keys)}", ActivityCategory.Admin,
                diff: new Dictionary<string, (object?, object?)> { ["permissions"] = (null, string.Join(", ", keys)) });
            op.Notify(ChangeEntities.Group, preset.Name, "application_permission.preset_added", record);
            return OperationResult<IReadOnlyList<string>>.Ok(keys);
        }, ct);

    /// <summary>Removes the key and takes it from every group of the organization, in one transaction.</summary>
    public Task<OperationResult<int>> RemoveAsync(Actor actor, string key, CancellationToken ct = default) =>
        runner.RunAsMemberAsync<int>(actor, PortalPermissions.ManageGroups, async op =>
        {
            var permission = await op.Db.ApplicationPermissions.SingleOrDefaultAsync(p => p.OrganizationId == actor.OrganizationId && p.Key == key, ct);
            if (permission is null)
            {
                return OperationResult<int>.Fail(OperationResult.NotFound("No such application permission in this organization."));
            }

            var fromGroups = await op.Db.GroupPermissions
                .Where(g => g.Permission == key && op.Db.Groups.Any(x => x.Id == g.GroupId && x.OrganizationId == actor.OrganizationId))
                .ExecuteDeleteAsync(ct);
            op.Db.ApplicationPermissions.Remove(permission);
            var record = op.Record("application_permission.removed",
                $"{op.Actor!.UserName} removed the application permission {key} (from {fromGroups} group(s))", ActivityCategory.Security,
                diff: new Dictionary<string, (object?, object?)> { ["permission"] = (key, null) });
            op.Notify(ChangeEntities.Group, key, "application_permission.removed", record);
            return OperationResult<int>.Ok(fromGroups);
        }, ct);
}

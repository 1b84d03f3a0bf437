using UserAdmin.Portal.Data;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>An action on one member, as DESIGN.md "Rules" names them.</summary>
public enum MemberAction
{
    View,
    EditProfile,
    ChangeRank,
    ChangeGroups,
    Suspend,
    ResetPassword,
    Remove,
    DeleteAccount,

    /// <summary>Promote a guest to a user (the membership's tag).</summary>
    ChangeTag,

    /// <summary>Send or resend an activation link, reactivate a deactivated account.</summary>
    Activate,
}

public sealed record Decision(bool Allowed, string? Reason)
{
    public static Decision Allow { get; } = new(true, null);
    public static Decision Deny(string reason) => new(false, reason);
}

/// <summary>
/// The rules of who may do what to whom inside one organization. Pure, so every service asks the same
/// question the same way and a table-driven test can cover every actor × action × target.
/// </summary>
public static class AccessRules
{
    public static string RequiredPermission(MemberAction action) => action switch
    {
        MemberAction.View => PortalPermissions.ViewUsers,
        MemberAction.ResetPassword => PortalPermissions.ResetPasswords,
        MemberAction.Suspend => PortalPermissions.SuspendUsers,
        MemberAction.ChangeGroups => PortalPermissions.ManageGroups,
        _ => PortalPermissions.ManageUsers,
    };

    /// <summary>
    /// Actions on the account itself rather than on its membership here: they need the actor's say over the
    /// account in every organization it belongs to (<see cref="MemberTargets.CheckAccountWideAsync"/>).
    /// </summary>
    public static bool IsAccountWide(MemberAction action) =>
        action is MemberAction.EditProfile or MemberAction.ResetPassword or MemberAction.DeleteAccount or MemberAction.Activate;

    public static Decision Check(ActingMember actor, MemberAction action, TargetMember target, MemberRank? newRank = null)
    {
        var self = actor.AccountId == target.AccountId;
        if (self && action == MemberAction.View)
        {
            return Decision.Allow;
        }

        // Seeing a member is not acting on them: view_users shows every rank (ADMIN and SUPER included).
        if (action == MemberAction.View)
        {
            return actor.Has(PortalPermissions.ViewUsers)
                ? Decision.Allow
                : Decision.Deny($"You need the {PortalPermissions.ViewUsers} permission for this.");
        }

        if (self && action == MemberAction.ChangeRank)
        {
            return Decision.Deny("Nobody can change their own rank.");
        }

        if (self && action == MemberAction.ChangeGroups)
        {
            return Decision.Deny("Nobody can change their own group memberships.");
        }

        if (self && action is MemberAction.Suspend or MemberAction.Remove or MemberAction.DeleteAccount or MemberAction.ChangeTag or MemberAction.Activate)
        {
            return Decision.Deny("You cannot do this to your own account; ask another admin.");
        }

        if (action == MemberAction.ChangeRank && actor.Rank != MemberRank.Super)
        {
            return Decision.Deny("Only a SUPER admin can change ranks.");
        }

        var permission = RequiredPermission(action);
        if (!actor.Has(permission))
        {
            return Decision.Deny($"You need the {permission} permission for this.");
        }

        if (target.Rank >= MemberRank.Admin && actor.Rank != MemberRank.Super && !self)
        {
            return Decision.Deny("Only a SUPER admin can act on ADMIN or SUPER members.");
        }

        if (target.IsLastSuper && IsLastSuperProtected(action, newRank))
        {
            return Decision.Deny("This is the organization's last SUPER admin; promote another member to SUPER first.");
        }

        return Decision.Allow;
    }

    private static bool IsLastSuperProtected(MemberAction action, MemberRank? newRank) => action switch
    {
        MemberAction.ChangeRank => newRank is not MemberRank.Super,
        MemberAction.Suspend or MemberAction.Remove or MemberAction.DeleteAccount => true,
        _ => false,
    };
}

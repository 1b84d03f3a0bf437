using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Tests.Features.Shared;

/// <summary>
/// Every actor × action × target, written out as DESIGN.md "Rules" reads. Columns are the target: a REGULAR
/// member, an ADMIN, a SUPER who is not the last one, the organization's last SUPER, and the actor themself.
/// '+' allows, '-' denies.
/// </summary>
public sealed class AccessRulesTests
{
    public enum ActorKind
    {
        Super,
        Admin,
        HelpDeskRegular,
        PlainRegular,
    }

    public static TheoryData<ActorKind, MemberAction, string> Table => new()
    {
        //                                            Regular Admin Super LastSuper Self
        { ActorKind.Super, MemberAction.View,          "+ + + + +" },
        { ActorKind.Super, MemberAction.EditProfile,   "+ + + + +" },
        { ActorKind.Super, MemberAction.ChangeRank,    "+ + + - -" },
        { ActorKind.Super, MemberAction.ChangeGroups,  "+ + + + -" },
        { ActorKind.Super, MemberAction.Suspend,       "+ + + - -" },
        { ActorKind.Super, MemberAction.ResetPassword, "+ + + + +" },
        { ActorKind.Super, MemberAction.Remove,        "+ + + - -" },
        { ActorKind.Super, MemberAction.DeleteAccount, "+ + + - -" },
        { ActorKind.Super, MemberAction.ChangeTag,     "+ + + + -" },
        { ActorKind.Super, MemberAction.Activate,      "+ + + + -" },

        // ADMIN: everything for REGULAR members except ranks; nothing on ADMIN or SUPER.
        { ActorKind.Admin, MemberAction.View,          "+ + + + +" },
        { ActorKind.Admin, MemberAction.EditProfile,   "+ - - - +" },
        { ActorKind.Admin, MemberAction.ChangeRank,    "- - - - -" },
        { ActorKind.Admin, MemberAction.ChangeGroups,  "+ - - - -" },
        { ActorKind.Admin, MemberAction.Suspend,       "+ - - - -" },
        { ActorKind.Admin, MemberAction.ResetPassword, "+ - - - +" },
        { ActorKind.Admin, MemberAction.Remove,        "+ - - - -" },
        { ActorKind.Admin, MemberAction.DeleteAccount, "+ - - - -" },
        { ActorKind.Admin, MemberAction.ChangeTag,     "+ - - - -" },
        { ActorKind.Admin, MemberAction.Activate,      "+ - - - -" },

        // Help desk (view_users + reset_passwords + view_activity): only those, and only on REGULAR members.
        { ActorKind.HelpDeskRegular, MemberAction.View,          "+ + + + +" },
        { ActorKind.HelpDeskRegular, MemberAction.EditProfile,   "- - - - -" },
        { ActorKind.HelpDeskRegular, MemberAction.ChangeRank,    "- - - - -" },
        { ActorKind.HelpDeskRegular, MemberAction.ChangeGroups,  "- - - - -" },
        { ActorKind.HelpDeskRegular, MemberAction.Suspend,       "- - - - -" },
        { ActorKind.HelpDeskRegular, MemberAction.ResetPassword, "+ - - - +" },
        { ActorKind.HelpDeskRegular, MemberAction.Remove,        "- - - - -" },
        { ActorKind.HelpDeskRegular, MemberAction.DeleteAccount, "- - - - -" },
        { ActorKind.HelpDeskRegular, MemberAction.ChangeTag,     "- - - - -" },
        { ActorKind.HelpDeskRegular, MemberAction.Activate,      "- - - - -" },

        // A REGULAR member without groups may only look at themself.
        { ActorKind.PlainRegular, MemberAction.View,          "- - - - +" },
        { ActorKind.PlainRegular, MemberAction.EditProfile,   "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.ChangeRank,    "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.ChangeGroups,  "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.Suspend,       "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.ResetPassword, "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.Remove,        "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.DeleteAccount, "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.ChangeTag,     "- - - - -" },
        { ActorKind.PlainRegular, MemberAction.Activate,      "- - - - -" },
    };

    [Fact]
    public void TheTableCoversEveryActorAndEveryAction()
    {
        var rows = Table.Select(row => ((ActorKind)row[0], (MemberAction)row[1])).ToHashSet();

        foreach (var actor in Enum.GetValues<ActorKind>())
        {
            foreach (var action in Enum.GetValues<MemberAction>())
            {
                Assert.Contains((actor, action), rows);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void EachActorMayDoWhatTheRulesSayToEachKindOfTarget(ActorKind actorKind, MemberAction action, string expected)
    {
        var actor = Actor(actorKind);
        var targets = new[]
        {
            ("a REGULAR member", new TargetMember(Guid.NewGuid(), MemberRank.Regular, false)),
            ("an ADMIN", new TargetMember(Guid.NewGuid(), MemberRank.Admin, false)),
            ("a SUPER", new TargetMember(Guid.NewGuid(), MemberRank.Super, false)),
            ("the last SUPER", new TargetMember(Guid.NewGuid(), MemberRank.Super, true)),
            ("themself", new TargetMember(actor.AccountId, actor.Rank, false)),
        };
        var allowed = expected.Split(' ').Select(c => c == "+").ToArray();
        Assert.Equal(targets.Length, allowed.Length);

        var mismatches = new List<string>();
        for (var i = 0; i < targets.Length; i++)
        {
            var decision = AccessRules.Check(actor, action, targets[i].Item2);
            if (decision.Allowed != allowed[i])
            {
                mismatches.Add($"{actorKind} {action} on {targets[i].Item1}: expected {(allowed[i] ? "allow" : "deny")}, got {decision}");
            }

            // A denial always says why, in words; an allowance has nothing to explain.
            Assert.Equal(decision.Allowed, decision.Reason is null);
            Assert.True(decision.Allowed || decision.Reason!.Length > 10, decision.Reason);
        }

        Assert.Empty(mismatches);
    }

    [Fact]
    public void TheLastSuperMayBeConfirmedAsSuperButNotDemoted()
    {
        var super = Actor(ActorKind.Super);
        var lastSuper = new TargetMember(Guid.NewGuid(), MemberRank.Super, IsLastSuper: true);

        Assert.True(AccessRules.Check(super, MemberAction.ChangeRank, lastSuper, MemberRank.Super).Allowed);
        var toAdmin = AccessRules.Check(super, MemberAction.ChangeRank, lastSuper, MemberRank.Admin);
        var toRegular = AccessRules.Check(super, MemberAction.ChangeRank, lastSuper, MemberRank.Regular);

        Assert.False(toAdmin.Allowed);
        Assert.False(toRegular.Allowed);
        Assert.Contains("last SUPER", toAdmin.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASuperMayPromoteOrDemoteAnotherSuper()
    {
        var super = Actor(ActorKind.Super);
        var otherSuper = new TargetMember(Guid.NewGuid(), MemberRank.Super, IsLastSuper: false);
        var regular = new TargetMember(Guid.NewGuid(), MemberRank.Regular, IsLastSuper: false);

        Assert.True(AccessRules.Check(super, MemberAction.ChangeRank, otherSuper, MemberRank.Regular).Allowed);
        Assert.True(AccessRules.Check(super, MemberAction.ChangeRank, regular, MemberRank.Super).Allowed);
    }

    [Fact]
    public void NobodyChangesTheirOwnRankNotEvenTheOnlySuper()
    {
        var super = Actor(ActorKind.Super);
        var self = new TargetMember(super.AccountId, MemberRank.Super, IsLastSuper: true);

        var decision = AccessRules.Check(super, MemberAction.ChangeRank, self, MemberRank.Super);

        Assert.False(decision.Allowed);
        Assert.Equal("Nobody can change their own rank.", decision.Reason);
    }

    [Fact]
    public void ARegularMembersGroupsCannotLiftThemAboveRegularTargets()
    {
        var everything = new ActingMember(Guid.NewGuid(), "helper", 1, Guid.NewGuid(), MemberRank.Regular, PortalPermissions.All.ToHashSet());
        var admin = new TargetMember(Guid.NewGuid(), MemberRank.Admin, false);

        // Viewing is not acting: it is the one thing view_users allows on any rank.
        Assert.True(AccessRules.Check(everything, MemberAction.View, admin).Allowed);
        foreach (var action in Enum.GetValues<MemberAction>().Where(a => a != MemberAction.View))
        {
            var decision = AccessRules.Check(everything, action, admin);
            Assert.False(decision.Allowed, $"{action} on an ADMIN");
        }
    }

    [Theory]
    [InlineData(MemberAction.View, PortalPermissions.ViewUsers)]
    [InlineData(MemberAction.ResetPassword, PortalPermissions.ResetPasswords)]
    [InlineData(MemberAction.Suspend, PortalPermissions.SuspendUsers)]
    [InlineData(MemberAction.ChangeGroups, PortalPermissions.ManageGroups)]
    [InlineData(MemberAction.EditProfile, PortalPermissions.ManageUsers)]
    [InlineData(MemberAction.ChangeRank, PortalPermissions.ManageUsers)]
    [InlineData(MemberAction.Remove, PortalPermissions.ManageUsers)]
    [InlineData(MemberAction.DeleteAccount, PortalPermissions.ManageUsers)]
    public void EachActionNeedsOnePermission(MemberAction action, string permission) =>
        Assert.Equal(permission, AccessRules.RequiredPermission(action));

    private static ActingMember Actor(ActorKind kind) => kind switch
    {
        ActorKind.Super => Member(MemberRank.Super, []),
        ActorKind.Admin => Member(MemberRank.Admin, []),
        ActorKind.HelpDeskRegular => Member(MemberRank.Regular, PortalPermissions.HelpDesk),
        _ => Member(MemberRank.Regular, []),
    };

    private static ActingMember Member(MemberRank rank, IEnumerable<string> permissions) =>
        new(Guid.NewGuid(), rank.ToString().ToLowerInvariant(), 1, Guid.NewGuid(), rank, permissions.ToHashSet());
}

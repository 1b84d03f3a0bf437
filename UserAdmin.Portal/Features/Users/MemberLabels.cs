using UserAdmin.Portal.Data;
using Radzen;

namespace UserAdmin.Portal.Features.Users;

/// <summary>How ranks, tags, statuses and device states read on screen.</summary>
public static class MemberLabels
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => value switch
    {
        MemberRank.Regular => "REGULAR",
        MemberRank.Admin => "ADMIN",
        MemberRank.Super => "SUPER",
        MemberTag.User => "User",
        MemberTag.Guest => "Guest",
        MemberStatus.Active => "Active",
        MemberStatus.Suspended => "Suspended",
        MemberStatus.PendingActivation => "Pending activation",
        MemberStatus.LockedOut => "Locked out",
        DeviceStatus.None => "No device",
        DeviceStatus.Pending => "Device pending",
        DeviceStatus.Registered => "Device registered",
        _ => value.ToString(),
    };

    public static BadgeStyle StatusStyle(MemberStatus status) => status switch
    {
        MemberStatus.Active => BadgeStyle.Success,
        MemberStatus.Suspended => BadgeStyle.Danger,
        MemberStatus.LockedOut => BadgeStyle.Warning,
        _ => BadgeStyle.Info,
    };
}

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

    /// <summary>
    /// The classes of a Radzen badge (filled, default shade) of this style, for plain markup where a row of a list
    /// would otherwise hold a badge component per cell.
    /// </summary>
    public static string BadgeClass(BadgeStyle style) => style switch
    {
        BadgeStyle.Success => "rz-badge rz-badge-success rz-variant-filled rz-shade-default",
        BadgeStyle.Danger => "rz-badge rz-badge-danger rz-variant-filled rz-shade-default",
        BadgeStyle.Warning => "rz-badge rz-badge-warning rz-variant-filled rz-shade-default",
        BadgeStyle.Light => "rz-badge rz-badge-light rz-variant-filled rz-shade-default",
        _ => "rz-badge rz-badge-info rz-variant-filled rz-shade-default",
    };

    public static BadgeStyle StatusStyle(MemberStatus status) => status switch
    {
        MemberStatus.Active => BadgeStyle.Success,
        MemberStatus.Suspended => BadgeStyle.Danger,
        MemberStatus.LockedOut => BadgeStyle.Warning,
        _ => BadgeStyle.Info,
    };
}

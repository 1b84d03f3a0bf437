using Microsoft.AspNetCore.Identity;
using UserAdmin.Portal.Data;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Features.Accounts;

/// <summary>An account holder changing their own password (also the forced change after sign-in).</summary>
public sealed class OwnPasswordService(OperationRunner runner)
{
    public const string CurrentPasswordField = "CurrentPassword";
    public const string NewPasswordField = "NewPassword";

    public Task<OperationResult<bool>> ChangeAsync(
        Guid accountId, Guid? organizationId, string currentPassword, string newPassword, string? clientAddress, CancellationToken ct = default) =>
        runner.RunAsync<bool>(organizationId, clientAddress, async op =>
        {
            var account = await op.Users.FindByIdAsync(accountId.ToString());
            if (account is null)
            {
                return OperationResult<bool>.Fail(OperationResult.NotFound("Your account no longer exists."));
            }

            if (currentPassword == newPassword)
            {
                return OperationResult<bool>.Fail(OperationResult.Invalid(NewPasswordField, "Choose a password different from the current one."));
            }

            // Rotates the security stamp, which signs out the account's other sessions.
            var changed = await op.Users.ChangePasswordAsync(account, currentPassword, newPassword);
            if (!changed.Succeeded)
            {
                var mismatch = changed.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
                return OperationResult<bool>.Fail(mismatch
                    ? OperationResult.Invalid(CurrentPasswordField, "The current password is not right.")
                    : OperationResult.Invalid(NewPasswordField, string.Join(" ", changed.Errors.Select(e => e.Description))));
            }

            account.MustChangePassword = false;
            account.LastPasswordChangeAt = op.Now;
            account.TemporaryPasswordExpiresAt = null;
            var updated = await op.Users.UpdateAsync(account);
            if (!updated.Succeeded)
            {
                return OperationResult<bool>.Fail(OperationResult.Conflict("Your account changed while saving; try again."));
            }

            op.Record(
                "account.password_changed",
                $"{account.UserName} changed their password",
                ActivityCategory.Security,
                account.Id,
                account.UserName ?? "",
                actorAccountId: account.Id,
                actorName: account.UserName);
            return OperationResult<bool>.Ok(true);
        }, ct);
}

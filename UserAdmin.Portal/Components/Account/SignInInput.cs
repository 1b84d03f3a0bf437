using System.ComponentModel.DataAnnotations;

namespace UserAdmin.Portal.Components.Account;

public sealed class SignInInput
{
    [Required(ErrorMessage = "Enter your username or email.")]
    [StringLength(256, ErrorMessage = "That is too long for a username or email.")]
    public string Login { get; set; } = "";

    [Required(ErrorMessage = "Enter your password.")]
    [StringLength(1024, ErrorMessage = "That is too long for a password.")]
    public string Password { get; set; } = "";

    public string? ReturnUrl { get; set; }
}

public sealed class ChangePasswordInput
{
    [Required(ErrorMessage = "Enter your current password.")]
    public string CurrentPassword { get; set; } = "";

    [Required(ErrorMessage = "Choose a new password.")]
    [StringLength(1024)]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Repeat the new password.")]
    [Compare(nameof(NewPassword), ErrorMessage = "The two new passwords do not match.")]
    public string ConfirmPassword { get; set; } = "";

    public string? ReturnUrl { get; set; }
}

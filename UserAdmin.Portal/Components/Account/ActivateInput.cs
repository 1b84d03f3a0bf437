using System.ComponentModel.DataAnnotations;

namespace UserAdmin.Portal.Components.Account;

public sealed class ActivateInput
{
    [Required(ErrorMessage = "Choose a password.")]
    [StringLength(1024)]
    public string NewPassword { get; set; } = "";

    [Required(ErrorMessage = "Repeat the password.")]
    [Compare(nameof(NewPassword), ErrorMessage = "The two passwords do not match.")]
    public string ConfirmPassword { get; set; } = "";
}

public sealed class ForgotPasswordInput
{
    [Required(ErrorMessage = "Enter your username or email address.")]
    [StringLength(256, ErrorMessage = "That is longer than any username or email address.")]
    public string Login { get; set; } = "";
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace UserAdmin.Portal.Features.Email;

/// <summary>
/// The portal's messages, each in plain text and HTML. Every value that comes from data (names, organization, links)
/// is HTML-encoded in the HTML body, so a display name such as &lt;script&gt; is shown, never run.
/// </summary>
public sealed class EmailTemplates(PortalLinks links)
{
    private const string Product = "UserAdmin Portal";

    public EmailMessage Activation(string to, string displayName, string userName, string organization, Uri link, DateTime expiresAtUtc)
    {
        var until = expiresAtUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var subject = $"Activate your {Product} account";
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello {displayName},")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"An account with the username {userName} was created for you in {organization}.")
            .AppendLine("To activate it and choose your password, open this link:")
            .AppendLine()
            .AppendLine(link.AbsoluteUri)
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {until}. If it has expired, ask your administrator to send a new one.")
            .AppendLine("If you did not expect this email, you can ignore it.")
            .ToString();
        var html = Layout(
            subject,
            $"<p>Hello {H(displayName)},</p>"
            + $"<p>An account with the username <strong>{H(userName)}</strong> was created for you in {H(organization)}.</p>"
            + $"<p><a href=\"{H(link.AbsoluteUri)}\">Activate your account and choose your password</a></p>"
            + $"<p>The link works once, until {H(until)}. If it has expired, ask your administrator to send a new one.</p>"
            + "<p>If you did not expect this email, you can ignore it.</p>");
        return new EmailMessage(to, subject, text, html);
    }

    /// <summary>A reset link, asked for by the account holder on the public form or sent by the help desk.</summary>
    public EmailMessage PasswordReset(string to, string displayName, string userName, Uri link, DateTime expiresAtUtc, bool sentByHelpDesk)
    {
        var until = expiresAtUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var subject = $"Choose a new {Product} password";
        var why = sentByHelpDesk
            ? "Your help desk sent you this link to choose a new password."
            : "Someone (we hope you) asked to reset the password of this account.";
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello {displayName},")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{why} Your username is {userName}.")
            .AppendLine("To choose a new password, open this link:")
            .AppendLine()
            .AppendLine(link.AbsoluteUri)
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {until}. Choosing a new password signs you out everywhere else.")
            .AppendLine("If you did not ask for this, ignore this email: your password stays as it is.")
            .ToString();
        var html = Layout(
            subject,
            $"<p>Hello {H(displayName)},</p>"
            + $"<p>{H(why)} Your username is <strong>{H(userName)}</strong>.</p>"
            + $"<p><a href=\"{H(link.AbsoluteUri)}\">Choose a new password</a></p>"
            + $"<p>The link works once, until {H(until)}. Choosing a new password signs you out everywhere else.</p>"
            + "<p>If you did not ask for this, ignore this email: your password stays as it is.</p>");
        return new EmailMessage(to, subject, text, html);
    }

    /// <summary>Sent to a changed email address: following the link confirms that the address reaches its owner.</summary>
    public EmailMessage EmailConfirmation(string to, string displayName, string userName, Uri link, DateTime expiresAtUtc)
    {
        var until = expiresAtUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var subject = $"Confirm your {Product} email address";
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Hello {displayName},")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"This address was set as the email of the account {userName}.")
            .AppendLine("To confirm it, open this link:")
            .AppendLine()
            .AppendLine(link.AbsoluteUri)
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"The link works once, until {until}.")
            .AppendLine("If you do not know this account, ignore this email.")
            .ToString();
        var html = Layout(
            subject,
            $"<p>Hello {H(displayName)},</p>"
            + $"<p>This address was set as the email of the account <strong>{H(userName)}</strong>.</p>"
            + $"<p><a href=\"{H(link.AbsoluteUri)}\">Confirm this email address</a></p>"
            + $"<p>The link works once, until {H(until)}.</p>"
            + "<p>If you do not know this account, ignore this email.</p>");
        return new EmailMessage(to, subject, text, html);
    }

    private string Layout(string title, string content) =>
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + H(title) + "</title></head>"
        + "<body style=\"font-family: sans-serif; line-height: 1.5; color: #1f2937;\">"
        + content
        + $"<p style=\"color: #6b7280; font-size: 0.9em;\">{H(Product)} · <a href=\"{H(links.Base.AbsoluteUri)}\">{H(links.Base.Host)}</a></p>"
        + "</body></html>";

    private static string H(string value) => HtmlEncoder.Default.Encode(value);
}

namespace UserAdmin.Portal.Features.Email;

/// <summary>One message to one person, in plain text and HTML. Bodies may hold links with tokens: never log them.</summary>
public sealed record EmailMessage(string To, string Subject, string TextBody, string HtmlBody);

/// <summary>Whether a message left the portal; <see cref="Problem"/> says why not, in words an admin can act on.</summary>
public sealed record EmailSendResult(bool Sent, string? Problem = null)
{
    public static EmailSendResult Ok { get; } = new(true);

    public static EmailSendResult Failed(string problem) => new(false, problem);
}

/// <summary>Delivers email. Failures are reported in the result (and logged by the sender), never thrown.</summary>
public interface IEmailSender
{
    Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct = default);
}

using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using UserAdmin.Portal.Features.Email;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>Keeps every message instead of sending it, or fails every send when told to.</summary>
public sealed partial class CapturingEmailSender : IEmailSender
{
    private readonly ConcurrentQueue<EmailMessage> _sent = new();

    public bool Fail { get; set; }

    public IReadOnlyList<EmailMessage> Sent => [.. _sent];

    public Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        if (Fail)
        {
            return Task.FromResult(EmailSendResult.Failed("The mail server did not accept the email."));
        }

        _sent.Enqueue(message);
        return Task.FromResult(EmailSendResult.Ok);
    }

    public IReadOnlyList<EmailMessage> To(string address) => Sent.Where(m => m.To == address).ToList();

    /// <summary>The account id and token of the activation link in a message's text body.</summary>
    public static (Guid AccountId, string Token) ActivationLink(EmailMessage message)
    {
        var match = Link().Match(message.TextBody);
        Assert.True(match.Success, "The message has no activation link.");
        return (Guid.Parse(match.Groups[1].Value), Uri.UnescapeDataString(match.Groups[2].Value));
    }

    /// <summary>The account id and token of a reset link in a message's text body.</summary>
    public static (Guid AccountId, string Token) ResetLink(EmailMessage message)
    {
        var match = Reset().Match(message.TextBody);
        Assert.True(match.Success, "The message has no password reset link.");
        return (Guid.Parse(match.Groups[1].Value), Uri.UnescapeDataString(match.Groups[2].Value));
    }

    /// <summary>The account id and token of an email-confirmation link in a message's text body.</summary>
    public static (Guid AccountId, string Token) ConfirmationLink(EmailMessage message)
    {
        var match = Confirm().Match(message.TextBody);
        Assert.True(match.Success, "The message has no confirmation link.");
        return (Guid.Parse(match.Groups[1].Value), Uri.UnescapeDataString(match.Groups[2].Value));
    }

    [GeneratedRegex(@"/Account/ConfirmEmail\?user=([0-9a-f-]{36})&token=([A-Za-z0-9_%-]+)")]
    private static partial Regex Confirm();

    [GeneratedRegex(@"/Account/ResetPassword\?user=([0-9a-f-]{36})&token=([A-Za-z0-9_%-]+)")]
    private static partial Regex Reset();

    [GeneratedRegex(@"/Account/Activate\?user=([0-9a-f-]{36})&token=([A-Za-z0-9_%-]+)")]
    private static partial Regex Link();
}

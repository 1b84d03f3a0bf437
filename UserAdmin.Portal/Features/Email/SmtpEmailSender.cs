using System.Net;
using System.Net.Mail;
using System.Net.Sockets;
using System.Security.Authentication;

namespace UserAdmin.Portal.Features.Email;

/// <summary>
/// Delivery through an SMTP server with System.Net.Mail (MailKit is not on the package registry). STARTTLS is required
/// when configured (no silent downgrade); TLS-on-connect is not supported by SmtpClient and refused at startup.
/// </summary>
internal sealed class SmtpEmailSender(SmtpSettings settings, MailAddress from, ILogger<SmtpEmailSender> logger) : IEmailSender
{
    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        // SmtpClient's Timeout only applies to the synchronous Send.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(1, settings.TimeoutSeconds)));
        try
        {
            using var mail = MailMessages.Create(from, message);
            using var client = new SmtpClient(settings.Host, settings.Port)
            {
                DeliveryMethod = SmtpDeliveryMethod.Network,
                EnableSsl = settings.Security == SmtpSecurity.StartTls,
                UseDefaultCredentials = false,
            };
            if (!string.IsNullOrEmpty(settings.UserName))
            {
                client.Credentials = new NetworkCredential(settings.UserName, settings.Password);
            }

            await client.SendMailAsync(mail, timeout.Token);
            logger.LogInformation("Email to {Recipient} sent through {SmtpHost}:{SmtpPort}", message.To, settings.Host, settings.Port);
            return EmailSendResult.Ok;
        }
        catch (Exception ex) when (ex is SmtpException or IOException or SocketException or AuthenticationException or InvalidOperationException
                                       || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            // The exception carries the server's reply and the socket error, never the message body.
            logger.LogWarning(ex, "Email to {Recipient} could not be sent through {SmtpHost}:{SmtpPort}", message.To, settings.Host, settings.Port);
            return EmailSendResult.Failed("The mail server did not accept the email.");
        }
    }
}

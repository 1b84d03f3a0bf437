using System.Net.Mail;

namespace UserAdmin.Portal.Features.Email;

/// <summary>
/// Development delivery: each message becomes an .eml file (multipart/alternative, readable by any mail program) in
/// a folder, and the log says where. SmtpClient's pickup mode writes the MIME; it names the file itself, so it writes
/// into a private staging folder and the file is then moved (atomically) to a name that sorts by time.
/// </summary>
internal sealed class PickupEmailSender(string directory, MailAddress from, TimeProvider clock, ILogger<PickupEmailSender> logger) : IEmailSender
{
    public string Directory { get; } = directory;

    public async Task<EmailSendResult> SendAsync(EmailMessage message, CancellationToken ct = default)
    {
        var staging = Path.Combine(Directory, ".staging", Guid.NewGuid().ToString("N"));
        try
        {
            System.IO.Directory.CreateDirectory(staging);
            using (var mail = MailMessages.Create(from, message))
            using (var client = new SmtpClient { DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory, PickupDirectoryLocation = staging })
            {
                await client.SendMailAsync(mail, ct);
            }

            var written = System.IO.Directory.GetFiles(staging).Single();
            var path = Path.Combine(Directory, $"{clock.GetUtcNow():yyyyMMdd-HHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}.eml");
            File.Move(written, path);

            // The path and the recipient only: the body holds the link and its token.
            logger.LogInformation("Email to {Recipient} written to {EmlPath}", message.To, path);
            return EmailSendResult.Ok;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SmtpException or FormatException)
        {
            logger.LogWarning(ex, "Email to {Recipient} could not be written to {PickupDirectory}", message.To, Directory);
            return EmailSendResult.Failed("The email could not be written to the portal's mail folder.");
        }
        finally
        {
            TryDelete(staging);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (System.IO.Directory.Exists(folder))
            {
                System.IO.Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
            // An empty staging folder left behind is harmless.
        }
    }
}

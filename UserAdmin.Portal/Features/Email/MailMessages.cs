using System.Net.Mail;
using System.Net.Mime;
using System.Text;

namespace UserAdmin.Portal.Features.Email;

/// <summary>Turns an <see cref="EmailMessage"/> into a multipart/alternative <see cref="MailMessage"/> (text first, then HTML).</summary>
internal static class MailMessages
{
    public static MailMessage Create(MailAddress from, EmailMessage message)
    {
        var mail = new MailMessage
        {
            From = from,
            // MailMessage refuses a subject with line breaks (header injection); fold any control character to a space.
            Subject = new string(message.Subject.Select(c => char.IsControl(c) ? ' ' : c).ToArray()),
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        mail.To.Add(new MailAddress(message.To));

        // Quoted-printable keeps the bodies readable in the raw file; both views together make multipart/alternative.
        mail.AlternateViews.Add(View(message.TextBody, MediaTypeNames.Text.Plain));
        mail.AlternateViews.Add(View(message.HtmlBody, MediaTypeNames.Text.Html));
        return mail;
    }

    private static AlternateView View(string body, string mediaType)
    {
        var view = AlternateView.CreateAlternateViewFromString(body, Encoding.UTF8, mediaType);
        view.TransferEncoding = TransferEncoding.QuotedPrintable;
        return view;
    }
}

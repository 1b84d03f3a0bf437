using System.Net;
using System.Net.Mail;
using UserAdmin.Portal.Hosting;

namespace UserAdmin.Portal.Features.Email;

internal static class EmailRegistration
{
    /// <summary>
    /// The sender chosen by Portal:Email:Mode, the public links and the templates. A configuration that cannot work
    /// (no SMTP host, TLS-on-connect, credentials over plain text to another machine) stops the start, saying why.
    /// </summary>
    public static void AddPortalEmail(this WebApplicationBuilder builder, PortalOptions portal)
    {
        var email = portal.Email;
        var baseUrl = PortalLinks.TryParseBase(portal.PublicBaseUrl, out var linkProblem) ?? throw new StartupConfigurationException(linkProblem!);
        if (!MailAddress.TryCreate(email.From, out var from))
        {
            throw new StartupConfigurationException($"Portal:Email:From must be an email address such as \"UserAdmin Portal <no-reply@example.org>\", not '{email.From}'.");
        }

        var services = builder.Services;
        services.AddSingleton(new PortalLinks(baseUrl));
        services.AddSingleton<EmailTemplates>();
        services.AddSingleton<EmailOutbox>();
        services.AddHostedService<EmailOutboxSender>();

        if (email.Mode == EmailMode.Smtp)
        {
            var smtp = email.Smtp;
            Check(smtp);
            services.AddSingleton<IEmailSender>(sp => new SmtpEmailSender(smtp, from, sp.GetRequiredService<ILogger<SmtpEmailSender>>()));
        }
        else
        {
            var directory = Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, email.PickupDirectory));
            services.AddSingleton<IEmailSender>(sp => new PickupEmailSender(
                directory, from, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<PickupEmailSender>>()));
        }
    }

    private static void Check(SmtpSettings smtp)
    {
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new StartupConfigurationException("Portal:Email:Mode is Smtp, so Portal:Email:Smtp:Host must name the mail server.");
        }

        if (smtp.Port is < 1 or > 65535)
        {
            throw new StartupConfigurationException($"Portal:Email:Smtp:Port must be between 1 and 65535, not {smtp.Port}.");
        }

        if (smtp.Security == SmtpSecurity.SslOnConnect)
        {
            throw new StartupConfigurationException(
                "Portal:Email:Smtp:Security SslOnConnect (TLS from the first byte, usually port 465) is not supported by .NET's SmtpClient. "
                + "Use StartTls, usually on port 587, which most mail servers offer.");
        }

        if (smtp.Security == SmtpSecurity.None && !string.IsNullOrEmpty(smtp.UserName) && !IsLoopback(smtp.Host))
        {
            throw new StartupConfigurationException(
                "Portal:Email:Smtp has credentials but Security None: the password would cross the network in plain text. Use StartTls.");
        }
    }

    private static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
}

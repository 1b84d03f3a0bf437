namespace UserAdmin.Portal.Features.Email;

public enum EmailMode
{
    /// <summary>Write each message as an .eml file into a folder (development).</summary>
    Pickup,

    /// <summary>Send through an SMTP server.</summary>
    Smtp,
}

public enum SmtpSecurity
{
    /// <summary>Connect in plain text, then upgrade with STARTTLS (port 587); refuse a server that does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465). System.Net.Mail cannot do this; the portal refuses to start with it.</summary>
    SslOnConnect,

    /// <summary>No encryption: only for a relay on the same machine or a test server.</summary>
    None,
}

/// <summary>The "Portal:Email" configuration section.</summary>
public sealed class EmailOptions
{
    public EmailMode Mode { get; set; } = EmailMode.Pickup;

    /// <summary>The sender, as an address or "Name &lt;address&gt;".</summary>
    public string From { get; set; } = "UserAdmin Portal <no-reply@localhost>";

    /// <summary>Pickup mode: the folder for .eml files, relative to the content root unless absolute.</summary>
    public string PickupDirectory { get; set; } = "data/mail";

    public SmtpSettings Smtp { get; set; } = new();
}

public sealed class SmtpSettings
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    /// <summary>Optional; with a user name the portal authenticates (only over TLS, or to a loopback server).</summary>
    public string? UserName { get; set; }
    public string? Password { get; set; }

    public int TimeoutSeconds { get; set; } = 30;
}

using System.Net.Mail;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Hosting;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Email;

public sealed class EmailSenderTests : IDisposable
{
    private const string Token = "tok_Secret-Activation-Value_1234567890abcdefgh";
    private static readonly MailAddress From = new("no-reply@portal.test", "UserAdmin Portal");
    private static readonly PortalLinks Links = new(new Uri("https://portal.example.org/admin"));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "useradmin-portal-tests", "mail", Guid.NewGuid().ToString("N"));
    private readonly CapturingLoggerProvider _logs = new();

    private static EmailMessage Message(string displayName = "<script>alert('x')</script> & \"Zoë\"") =>
        new EmailTemplates(Links).Activation(
            "zoe@example.org", displayName, "zoe.a", "Acme & <Sons>", Links.Activation(Guid.Empty, Token), new DateTime(2026, 11, 25, 14, 0, 0, DateTimeKind.Utc));

    [Fact]
    public async Task ThePickupSenderWritesAMultipartAlternativeEmlWithBothBodiesAndLogsOnlyItsPath()
    {
        var sender = new PickupEmailSender(_folder, From, TimeProvider.System, new LoggerFactory([_logs]).CreateLogger<PickupEmailSender>());

        var result = await sender.SendAsync(Message());

        Assert.True(result.Sent, result.Problem);
        var file = Assert.Single(Directory.GetFiles(_folder, "*.eml"));
        Assert.False(Directory.Exists(Path.Combine(_folder, ".staging")) && Directory.EnumerateFileSystemEntries(Path.Combine(_folder, ".staging")).Any());
        var eml = Eml.Parse(await File.ReadAllTextAsync(file));
        Assert.StartsWith("multipart/alternative", eml.ContentType, StringComparison.Ordinal);
        Assert.Contains("zoe@example.org", eml.Headers["To"], StringComparison.Ordinal);
        Assert.Contains("no-reply@portal.test", eml.Headers["From"], StringComparison.Ordinal);
        Assert.Equal("Activate your UserAdmin Portal account", eml.Subject);

        var link = $"https://portal.example.org/admin/Account/Activate?user={Guid.Empty:D}&token={Token}";
        var text = eml.Part("text/plain").Body;
        Assert.Contains(link, text, StringComparison.Ordinal);
        Assert.Contains("Hello <script>alert('x')</script> & \"Zoë\",", text, StringComparison.Ordinal);

        var html = eml.Part("text/html").Body;
        Assert.Contains($"href=\"{link.Replace("&", "&amp;", StringComparison.Ordinal)}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<Sons>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        Assert.Contains("Acme &amp; &lt;Sons&gt;", html, StringComparison.Ordinal);

        var logged = Assert.Single(_logs.Entries, e => e.Level == LogLevel.Information);
        Assert.Contains(file, logged.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain(_logs.Entries, e => e.AllText.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task APickupFolderThatCannotBeWrittenIsReportedAndLoggedWithoutTheToken()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder)!);
        await File.WriteAllTextAsync(_folder, "a file where the folder should be");
        var sender = new PickupEmailSender(_folder, From, TimeProvider.System, new LoggerFactory([_logs]).CreateLogger<PickupEmailSender>());

        var result = await sender.SendAsync(Message());

        Assert.False(result.Sent);
        Assert.NotNull(result.Problem);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning);
        Assert.DoesNotContain(_logs.Entries, e => e.AllText.Contains(Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSmtpSenderDeliversBothPartsToAServerOnLoopback()
    {
        await using var server = new FakeSmtpServer();
        var sender = new SmtpEmailSender(
            new SmtpSettings { Host = "127.0.0.1", Port = server.Port, Security = SmtpSecurity.None }, From, NullLogger<SmtpEmailSender>.Instance);

        var result = await sender.SendAsync(Message("Zoë Ångström"));

        Assert.True(result.Sent, result.Problem);
        var eml = Eml.Parse(Assert.Single(server.Messages));
        Assert.Contains(server.Commands, c => c.StartsWith("RCPT TO:<zoe@example.org>", StringComparison.Ordinal));
        Assert.Contains(Token, eml.Part("text/plain").Body, StringComparison.Ordinal);
        Assert.Contains("Hello Zoë Ångström,", eml.Part("text/plain").Body, StringComparison.Ordinal);
        Assert.Contains("Zo&#xEB; &#xC5;ngstr&#xF6;m", eml.Part("text/html").Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedSmtpSendIsReportedAndLoggedAsAWarningWithoutTheToken()
    {
        await using var server = new FakeSmtpServer(refuseSenders: true);
        var sender = new SmtpEmailSender(
            new SmtpSettings { Host = "127.0.0.1", Port = server.Port, Security = SmtpSecurity.None }, From, new LoggerFactory([_logs]).CreateLogger<SmtpEmailSender>());

        var result = await sender.SendAsync(Message());

        Assert.False(result.Sent);
        Assert.Equal("The mail server did not accept the email.", result.Problem);
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.AllText.Contains("zoe@example.org", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Entries, e => e.AllText.Contains(Token, StringComparison.Ordinal));
        Assert.Empty(server.Messages);
    }

    [Fact]
    public async Task StartTlsIsRequiredWhenConfiguredSoAServerWithoutItGetsNothing()
    {
        await using var server = new FakeSmtpServer();
        var sender = new SmtpEmailSender(
            new SmtpSettings { Host = "127.0.0.1", Port = server.Port, Security = SmtpSecurity.StartTls }, From, NullLogger<SmtpEmailSender>.Instance);

        var result = await sender.SendAsync(Message());

        Assert.False(result.Sent);
        Assert.Empty(server.Messages);
        Assert.DoesNotContain(server.Commands, c => c.StartsWith("MAIL", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnreachableSmtpServerIsReportedNotThrown()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var sender = new SmtpEmailSender(new SmtpSettings { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None }, From, NullLogger<SmtpEmailSender>.Instance);

        var result = await sender.SendAsync(Message());

        Assert.False(result.Sent);
    }

    [Fact]
    public void SmtpSettingsBindFromConfiguration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:PublicBaseUrl"] = "https://portal.example.org/",
            ["Portal:Email:Mode"] = "smtp",
            ["Portal:Email:From"] = "Portal <portal@example.org>",
            ["Portal:Email:Smtp:Host"] = "mail.example.org",
            ["Portal:Email:Smtp:Port"] = "2525",
            ["Portal:Email:Smtp:Security"] = "StartTls",
            ["Portal:Email:Smtp:UserName"] = "portal",
            ["Portal:Email:Smtp:Password"] = "from-the-environment",
            ["Portal:Tokens:ActivationLifetime"] = "1.12:00:00",
        }).Build();

        var portal = configuration.GetSection(PortalOptions.Section).Get<PortalOptions>()!;

        Assert.Equal("https://portal.example.org/", portal.PublicBaseUrl);
        Assert.Equal(EmailMode.Smtp, portal.Email.Mode);
        Assert.Equal(("mail.example.org", 2525, SmtpSecurity.StartTls), (portal.Email.Smtp.Host, portal.Email.Smtp.Port, portal.Email.Smtp.Security));
        Assert.Equal(("portal", "from-the-environment"), (portal.Email.Smtp.UserName, portal.Email.Smtp.Password));
        Assert.Equal(TimeSpan.FromHours(36), portal.Tokens.ActivationLifetime);
    }

    [Fact]
    public void TheDefaultsArePickupIntoDataMailWithSeventyTwoHourLinks()
    {
        var portal = new PortalOptions();

        Assert.Equal((EmailMode.Pickup, "data/mail"), (portal.Email.Mode, portal.Email.PickupDirectory));
        Assert.Equal("http://localhost:5080", portal.PublicBaseUrl);
        Assert.Equal(TimeSpan.FromHours(72), portal.Tokens.ActivationLifetime);
    }

    [Theory]
    [InlineData("Smtp", "", "StartTls", null, "Portal:Email:Smtp:Host")]
    [InlineData("Smtp", "mail.example.org", "SslOnConnect", null, "not supported")]
    [InlineData("Smtp", "mail.example.org", "None", "portal", "plain text")]
    [InlineData("Pickup", "", "StartTls", null, null)]
    [InlineData("Smtp", "localhost", "None", "portal", null)]
    public void AnEmailConfigurationThatCannotWorkStopsTheStartSayingWhy(string mode, string host, string security, string? user, string? problem)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Portal:Email:Mode"] = mode,
            ["Portal:Email:Smtp:Host"] = host,
            ["Portal:Email:Smtp:Security"] = security,
            ["Portal:Email:Smtp:UserName"] = user,
        });
        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>()!;

        if (problem is null)
        {
            builder.AddPortalEmail(portal);
            Assert.Contains(builder.Services, s => s.ServiceType == typeof(IEmailSender));
        }
        else
        {
            var failure = Assert.Throws<StartupConfigurationException>(() => builder.AddPortalEmail(portal));
            Assert.Contains(problem, failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PickupModeWritesUnderTheContentRootByDefault()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddPortalEmail(new PortalOptions());
        using var services = builder.Services.BuildServiceProvider();

        var pickup = Assert.IsType<PickupEmailSender>(services.GetRequiredService<IEmailSender>());
        Assert.Equal(Path.Combine(builder.Environment.ContentRootPath, "data", "mail"), pickup.Directory);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://portal.example.org/")]
    [InlineData("https://portal.example.org/?x=1")]
    public void APublicBaseUrlThatIsNotAnHttpAddressStopsTheStart(string value)
    {
        var builder = WebApplication.CreateBuilder();
        var portal = new PortalOptions { PublicBaseUrl = value };

        var failure = Assert.Throws<StartupConfigurationException>(() => builder.AddPortalEmail(portal));

        Assert.Contains("Portal:PublicBaseUrl", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinksKeepTheBasePathAndEscapeTheToken()
    {
        var links = new PortalLinks(new Uri("https://portal.example.org/admin"));
        var id = Guid.NewGuid();

        Assert.Equal($"https://portal.example.org/admin/Account/Activate?user={id:D}&token=a%2Bb%2Fc", links.Activation(id, "a+b/c").AbsoluteUri);
        Assert.Equal("https://portal.example.org/admin/Account/Login", links.SignIn().AbsoluteUri);
    }

    public void Dispose()
    {
        if (File.Exists(_folder))
        {
            File.Delete(_folder);
        }

        PortalServices.TryDelete(_folder);
        _logs.Dispose();
    }
}

using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Tests.Infrastructure;

namespace UserAdmin.Portal.Tests.Features.Activation;

/// <summary>The app's services with a capturing email sender, a clock that tests move, and every log entry kept.</summary>
public sealed class ActivationFixture : IAsyncLifetime
{
    private PortalServices? _portal;

    public PortalServices Portal => _portal!;
    public CapturingEmailSender Email { get; } = new();
    public TestClock Clock { get; } = new();
    public CapturingLoggerProvider Logs { get; } = new();

    public async Task InitializeAsync() =>
        _portal = await PortalServices.CreateAsync(configure: services =>
        {
            services.AddSingleton<IEmailSender>(Email);
            services.AddSingleton<TimeProvider>(Clock);
            services.AddSingleton<ILoggerProvider>(Logs);
            services.Configure<LoggerFilterOptions>(o => o.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace));
        });

    public async Task DisposeAsync()
    {
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }
    }
}

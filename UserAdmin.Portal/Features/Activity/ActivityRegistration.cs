namespace UserAdmin.Portal.Features.Activity;

internal static class ActivityRegistration
{
    /// <summary>The feed's services, the retention setting and its background pass.</summary>
    public static IServiceCollection AddPortalActivity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ActivityOptions>(configuration.GetSection(ActivityOptions.Section));
        services.AddSingleton<ActivityFeedService>();
        services.AddSingleton<ActivityCsvExport>();
        services.AddSingleton<ActivityRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ActivityRetention>());
        return services;
    }
}

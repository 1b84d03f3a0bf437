using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.FileProviders;
using UserAdmin.Portal.Components;
using UserAdmin.Portal.Components.Account;
using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Activation;
using UserAdmin.Portal.Features.Api;
using UserAdmin.Portal.Features.BotChallenge;
using UserAdmin.Portal.Features.Compat;
using UserAdmin.Portal.Features.Passwords;
using UserAdmin.Portal.Features.Demo;
using UserAdmin.Portal.Features.Email;
using UserAdmin.Portal.Features.Members;
using UserAdmin.Portal.Features.Organizations;
using UserAdmin.Portal.Features.Shared;
using UserAdmin.Portal.Features.Users;
using UserAdmin.Portal.Realtime;
using Radzen;

namespace UserAdmin.Portal.Hosting;

public static class PortalHosting
{
    /// <summary>
    /// The arguments for <see cref="WebApplication.CreateBuilder(string[])"/>: the command line, with the host's own
    /// settings files read once (as the portal's are, see <see cref="ConfigurationExtensions"/>). Watching them for
    /// changes watches the whole content root, subfolders included, and the database lives in <c>data/</c> under it:
    /// every write to the database and its log woke the watcher, which cost about a third of an update's throughput
    /// under load. An argument given for the same setting wins.
    /// </summary>
    public static string[] HostArguments(string[] args) =>
        args.Any(a => a.Contains("reloadConfigOnChange", StringComparison.OrdinalIgnoreCase))
            ? args
            : ["--hostBuilder:reloadConfigOnChange=false", .. args];

    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder, string[] args)
    {
        builder.AddPortalConfiguration(args);
        builder.AddPortalLogging();

        var portal = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        builder.Services.Configure<PortalOptions>(builder.Configuration.GetSection(PortalOptions.Section));

        builder.AddPortalData();
        builder.AddPortalIdentity(portal);
        builder.AddPortalEmail(portal);
        builder.AddPortalSecurity();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddRadzenComponents();

        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IChangeNotifier, InProcessChangeNotifier>();
        services.AddSingleton<IPresenceTracker, InProcessPresenceTracker>();
        services.AddSingleton<UserAdmin.Portal.Data.PreparedReads>();
        services.AddSingleton<OperationRunner>();
        services.AddSingleton<SessionQueries>();
        services.AddSingleton<OrganizationProvisioner>();
        services.AddSingleton<MemberStatusService>();
        services.AddSingleton<MemberDetailService>();
        services.AddSingleton<MemberProfileService>();
        services.AddSingleton<MemberStandingService>();
        services.AddSingleton<MemberAccessService>();
        services.AddSingleton<UserAdmin.Portal.Features.Groups.GroupService>();
        services.AddSingleton<UserAdmin.Portal.Features.Groups.ApplicationPermissionService>();
        services.AddSingleton<UserAdmin.Portal.Features.Members.Devices.MemberDeviceService>();
        services.AddSingleton<UserAdmin.Portal.Features.Dashboard.DashboardService>();
        services.AddSingleton<UserAdmin.Portal.Features.Passwords.PasswordAdminService>();
        services.AddSingleton<UserAdmin.Portal.Features.Passwords.PasswordResetService>();
        services.AddSingleton<UserAdmin.Portal.Features.BotChallenge.BotChallengeService>();
        services.AddPublicFormLimits(portal);
        UserAdmin.Portal.Features.Activity.ActivityRegistration.AddPortalActivity(services, builder.Configuration);
        services.AddSingleton<OwnPasswordService>();
        services.AddSingleton<EmailConfirmationService>();
        services.AddSingleton<ActivationService>();
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<MemberQueryService>();
        services.AddSingleton<MemberAdminService>();
        services.AddSingleton<BulkMemberService>();
        services.AddSingleton<SavedViewService>();
        services.AddSingleton<UserAdmin.Portal.Features.Users.Import.MemberImportService>();
        services.AddSingleton<UserAdmin.Portal.Features.Policies.PolicyService>();
        services.AddSingleton<OrganizationMembershipService>();
        services.AddSingleton<InstanceOperators>();
        services.AddSingleton<UserAdmin.Portal.Features.ApiKeys.ApiKeyService>();
        services.AddSingleton<ReauthenticationService>();
        services.AddScoped<SessionReauthentication>();
        services.AddPortalApi(portal);
        services.AddScoped<SignInService>();
        services.AddSingleton<DatabaseInitializer>();
        services.AddHostedService(sp => sp.GetRequiredService<DatabaseInitializer>());
        services.AddSingleton<Data.WalCheckpointer>();
        services.AddHostedService(sp => sp.GetRequiredService<Data.WalCheckpointer>());
        return builder;
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseStatusCodePagesWithReExecute("/not-found");
        app.Use((context, next) =>
        {
            // Only page requests get the not-found page: a re-executed POST would post to it, and it would answer 400
            // for the missing antiforgery token instead of the real status (404, or 403 from the forced password change).
            // The API answers with problem details of its own (ApiProblems), never with an HTML page.
            if ((ApiProblems.IsApi(context) || CompatHosting.IsCompat(context) || (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)))
                && context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
            {
                statusCodePages.Enabled = false;
            }

            return next(context);
        });
        app.UseApiProblems();
        app.UseRequestLogging();
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(Path.Combine(AppContext.BaseDirectory, "wwwroot-assets")),
            RequestPath = "/assets",
        });
        app.UseAuthentication();
        app.UseForcedPasswordChange();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseRateLimiter();

        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapPortalAccountEndpoints();
        app.MapMemberExport();
        app.MapBotChallenge();
        app.MapPortalHealth();
        app.MapMemoryDiagnostics();
        UserAdmin.Portal.Features.Activity.ActivityExportEndpoints.MapActivityExport(app);
        app.MapPortalApi();
        app.MapCompatibilityApis();
        return app;
    }

    /// <summary>
    /// A signed-in account with a pending forced password change reaches nothing but the change page,
    /// sign-out and static files until it has chosen a new password.
    /// </summary>
    private static void UseForcedPasswordChange(this WebApplication app) =>
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            // The API accepts only API keys (never this cookie), so a pending change of the cookie's account is not its concern.
            var exempt = ApiProblems.IsApi(context)
                || CompatHosting.IsCompat(context)
                || path.StartsWithSegments("/Account/ChangePassword")
                || path.StartsWithSegments("/Account/Activate")
                || path.StartsWithSegments("/Account/ResetPassword")
                || path.StartsWithSegments("/Account/ConfirmEmail")
                || path.StartsWithSegments("/Account/Logout")
                || path.StartsWithSegments("/_framework")
                || path.StartsWithSegments("/_content")
                || path.StartsWithSegments("/assets")
                || path.StartsWithSegments("/not-found")
                || path.StartsWithSegments("/Error");
            if (!exempt && context.User.MustChangePasswordNow())
            {
                if (HttpMethods.IsGet(context.Request.Method))
                {
                    var returnUrl = Uri.EscapeDataString(path + context.Request.QueryString);
                    context.Response.Redirect($"/Account/ChangePassword?returnUrl={returnUrl}");
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                }

                return;
            }

            await next();
        });
}

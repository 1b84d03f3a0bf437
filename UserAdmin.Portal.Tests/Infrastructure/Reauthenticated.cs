using UserAdmin.Portal.Features.Accounts;
using UserAdmin.Portal.Features.Shared;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>Actors that have just confirmed their password, as the "confirm it's you" dialog leaves them.</summary>
public static class Reauthenticated
{
    public static Actor Proven(this IServiceProvider services, Actor actor) =>
        actor with { Reauthentication = services.GetRequiredService<ReauthenticationService>().Issue(actor.AccountId) };

    public static Actor Proven(this PortalServices portal, TestMember member) => portal.Services.Proven(member.Actor);
}

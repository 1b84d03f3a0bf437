namespace UserAdmin.Portal.Features.Compat;

internal static class UsergridEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
    }
}

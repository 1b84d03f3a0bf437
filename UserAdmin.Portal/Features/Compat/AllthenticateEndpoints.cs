namespace UserAdmin.Portal.Features.Compat;

internal static class AllthenticateEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
    }
}

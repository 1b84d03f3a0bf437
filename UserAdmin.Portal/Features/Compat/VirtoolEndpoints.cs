namespace UserAdmin.Portal.Features.Compat;

internal static class VirtoolEndpoints
{
    public static void Map(RouteGroupBuilder group)
    {
    }
}

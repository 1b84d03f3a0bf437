namespace UserAdmin.Portal.Data;

/// <summary>A GUID as EF Core's SQLite provider stores it (upper-case text), for parameters of raw statements.</summary>
internal static class StoredGuid
{
    public static string Text(Guid id) => id.ToString().ToUpperInvariant();
}

namespace UserAdmin.Portal.Data;

/// <summary>An admin's named user-grid view (filters, sort, page size) in one organization.</summary>
public sealed class SavedView
{
    public const int NameMaxLength = 60;
    public const int QueryMaxLength = 2000;

    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid OrganizationId { get; set; }
    public string Name { get; set; } = "";

    /// <summary>The grid's URL query string (without paging position).</summary>
    public string Query { get; set; } = "";
    public DateTime CreatedAt { get; set; }

    /// <summary>When it was last opened; the most recent one comes back on the next visit to the grid.</summary>
    public DateTime? LastUsedAt { get; set; }
}

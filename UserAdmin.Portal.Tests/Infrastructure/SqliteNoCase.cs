using System.Text;

namespace UserAdmin.Portal.Tests.Infrastructure;

/// <summary>
/// SQLite's NOCASE collation, for computing in C# what the database should return: UTF-8 bytes compared with only
/// the ASCII letters folded (é and É stay different).
/// </summary>
public sealed class SqliteNoCase : IComparer<string>
{
    public static SqliteNoCase Instance { get; } = new();

    public int Compare(string? x, string? y) => Compare(Encoding.UTF8.GetBytes(x ?? ""), Encoding.UTF8.GetBytes(y ?? ""));

    /// <summary>Whether <paramref name="text"/> starts with <paramref name="prefix"/> under NOCASE.</summary>
    public static bool StartsWith(string text, string prefix)
    {
        var a = Encoding.UTF8.GetBytes(text);
        var b = Encoding.UTF8.GetBytes(prefix);
        return a.Length >= b.Length && Compare(a.AsSpan(0, b.Length), b) == 0;
    }

    private static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var difference = Fold(a[i]) - Fold(b[i]);
            if (difference != 0)
            {
                return difference;
            }
        }

        return a.Length - b.Length;
    }

    private static int Fold(byte c) => c is >= (byte)'A' and <= (byte)'Z' ? c + 32 : c;
}

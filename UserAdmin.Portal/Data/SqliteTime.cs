using System.Globalization;

namespace UserAdmin.Portal.Data;

/// <summary>
/// Reads the times EF Core's SQLite provider writes: UTC text <c>yyyy-MM-dd HH:mm:ss</c> with up to seven fraction
/// digits after a dot (trailing zeros dropped). Raw-SQL readers (the grid, the feeds, their CSV exports) parse one or
/// two per row, a million rows at a time; <see cref="DateTime.Parse(string, IFormatProvider?, DateTimeStyles)"/>
/// costs about ten times this fixed-layout read, so that is kept only for text in any other shape.
/// </summary>
internal static class SqliteTime
{
    private static readonly int[] FractionScale = [1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    public static DateTime ParseUtc(string text) =>
        TryParseStoredLayout(text, out var value)
            ? value
            : DateTime.SpecifyKind(DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), DateTimeKind.Utc);

    internal static bool TryParseStoredLayout(ReadOnlySpan<char> s, out DateTime value)
    {
        value = default;
        if (s.Length < 19 || s.Length == 20 || s.Length > 27 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':'
            || (s.Length > 19 && s[19] != '.'))
        {
            return false;
        }

        if (!Number(s[..4], out var year) || !Number(s.Slice(5, 2), out var month) || !Number(s.Slice(8, 2), out var day)
            || !Number(s.Slice(11, 2), out var hour) || !Number(s.Slice(14, 2), out var minute) || !Number(s.Slice(17, 2), out var second))
        {
            return false;
        }

        var fraction = 0;
        if (s.Length > 19 && !Number(s[20..], out fraction))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var ticks = s.Length > 19 ? (long)fraction * FractionScale[s.Length - 21] : 0;
        value = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks);
        return true;
    }

    private static bool Number(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}

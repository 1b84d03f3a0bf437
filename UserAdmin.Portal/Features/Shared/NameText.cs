using System.Globalization;
using System.Text;

namespace UserAdmin.Portal.Features.Shared;

/// <summary>
/// The characters a name may hold, for every name people read and tell apart: usernames, first, last and display
/// names, group, policy and organization display names. Refused, with the code point named:
/// <list type="bullet">
/// <item>invisible format characters (Unicode category Cf): zero-width spaces and joiners (U+200B–U+200D, U+2060),
/// the byte-order mark U+FEFF, the soft hyphen U+00AD, direction marks. Two names that differ only by them look the
/// same in the grid, feeds and exports. The embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are Cf
/// too: they reorder the text after them, so a name could show as another (the "Trojan Source" trick);</item>
/// <item>control characters, line and paragraph separators;</item>
/// <item>private-use and unassigned code points and lone surrogates, whose look nobody can know.</item>
/// </list>
/// Letters, combining marks, punctuation, symbols and emoji of every script are kept as typed.
/// </summary>
public static class NameText
{
    /// <summary>Why <paramref name="value"/> cannot be (part of) a name, naming its first refused character; null when it can.</summary>
    public static string? Refusal(string? value)
    {
        var text = (value ?? "").AsSpan();
        while (!text.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(text, out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return $"{CodePoint(text[0])} (half of a surrogate pair) is not allowed.";
            }

            if (Kind(rune) is { } kind)
            {
                return $"{CodePoint(rune.Value)} ({kind}) is not allowed.";
            }

            text = text[used..];
        }

        return null;
    }

    /// <summary>The refusal of a required name: 1 to <paramref name="maxLength"/> characters once trimmed, each allowed.</summary>
    public static string? RefusalOfRequired(string? value, int maxLength)
    {
        var trimmed = (value ?? "").Trim();
        return trimmed.Length == 0 || trimmed.Length > maxLength ? $"Use 1–{maxLength} characters." : Refusal(trimmed);
    }

    private static string? Kind(Rune rune) => Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.Format when rune.Value is (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) =>
            "a direction override, which reorders the text after it",
        UnicodeCategory.Format => "an invisible formatting character",
        UnicodeCategory.Control => "a control character",
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line break",
        UnicodeCategory.PrivateUse => "a private-use character",
        UnicodeCategory.OtherNotAssigned => "an unassigned code point",
        _ => null,
    };

    private static string CodePoint(int value) => string.Create(CultureInfo.InvariantCulture, $"U+{value:X4}");
}

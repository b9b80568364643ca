using System.Globalization;
using System.Text;

namespace Conduit.Requests;

/// <summary>
/// Makes invisible characters visible for review: controls (except newline), bidi overrides and isolates,
/// zero-width and other format characters, unusual spaces, private-use, unassigned and lone surrogates become
/// <c>&lt;U+XXXX&gt;</c>, so a reviewer sees exactly what will run.
/// </summary>
public static class VisibleText
{
    /// <summary>Returns <paramref name="text"/> with every invisible or direction-changing character spelled out.</summary>
    public static string MakeVisible(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var codePoint = char.ConvertToUtf32(c, text[i + 1]);
                if (IsInvisible(codePoint, CharUnicodeInfo.GetUnicodeCategory(codePoint)))
                {
                    builder.Append(CultureInfo.InvariantCulture, $"<U+{codePoint:X4}>");
                }
                else
                {
                    builder.Append(c).Append(text[i + 1]);
                }

                i++;
                continue;
            }

            if (c == '\n' || (!char.IsSurrogate(c) && !IsInvisible(c, CharUnicodeInfo.GetUnicodeCategory(c))))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"<U+{(int)c:X4}>");
            }
        }

        return builder.ToString();
    }

    private static bool IsInvisible(int codePoint, UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate
        || (category == UnicodeCategory.SpaceSeparator && codePoint != ' ')
        || codePoint is 0x115F or 0x1160 or 0x3164 or 0xFFA0 or 0x2800 or 0x034F
        || codePoint is >= 0xFE00 and <= 0xFE0F
        || codePoint is >= 0xE0100 and <= 0xE01EF;
}

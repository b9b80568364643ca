using System.Text;
using System.Text.RegularExpressions;

namespace Conduit.Requests;

/// <summary>
/// Exact-envelope extraction for the clipboard, files, links and API bodies (protocol §2, Compliance mode).
/// After trimming, the whole buffer is one raw JSON envelope or one fenced <c>conduit</c>/<c>conduit-json</c>
/// block; prose around a block means "not a request"; two blocks are <c>multiple_envelopes</c>.
/// </summary>
internal static partial class ClipboardEnvelopeExtractor
{
    /// <summary>The largest buffer read, in UTF-8 bytes, before trimming.</summary>
    public const int MaxBytes = 1_000_000;

    public static EnvelopeText Extract(string buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);

        // (1) size, untrimmed. Length * 3 bounds the UTF-8 size, so the exact count is needed only near the cap.
        if (buffer.Length > MaxBytes || (buffer.Length * 3L > MaxBytes && Encoding.UTF8.GetByteCount(buffer) > MaxBytes))
        {
            return EnvelopeText.Reject(RepairCodes.MalformedJson, $"Request is larger than {MaxBytes:N0} bytes.");
        }

        // (2) trim; empty is nothing.
        var text = buffer.Trim();
        if (text.Length == 0)
        {
            return EnvelopeText.None;
        }

        // (3) more than one line-initial request fence: multiple, prose or not.
        var fences = RequestFenceLine().Count(text);
        if (fences > 1)
        {
            return EnvelopeText.Reject(RepairCodes.MultipleEnvelopes, $"Found {fences} conduit blocks; copy exactly one request envelope.");
        }

        // (4) raw JSON, else exactly one fenced block and nothing else.
        if (text[0] == '{')
        {
            return new EnvelopeText { Kind = EnvelopeTextKind.Json, Json = text };
        }

        var lines = text.Split('\n');
        if (lines.Length >= 2
            && ExactOpeningFence().IsMatch(lines[0].TrimEnd('\r'))
            && lines[^1].TrimEnd('\r').TrimEnd() == "```")
        {
            var body = string.Join('\n', lines[1..^1]);
            return new EnvelopeText { Kind = EnvelopeTextKind.Json, Json = body, Fenced = true };
        }

        return EnvelopeText.None;
    }

    /// <summary>A line-initial fence opening a <c>conduit</c> or <c>conduit-json</c> block (with an optional <c> json</c>).</summary>
    [GeneratedRegex(@"^```[ \t]*conduit(-json)?( json)?[ \t]*\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    internal static partial Regex RequestFenceLine();

    [GeneratedRegex(@"^```[ \t]*conduit(-json)?( json)?[ \t]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ExactOpeningFence();
}

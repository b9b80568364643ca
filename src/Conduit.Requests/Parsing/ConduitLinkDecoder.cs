using System.Text;

namespace Conduit.Requests;

/// <summary>
/// Decodes <c>conduit://run?payload=&lt;base64url&gt;</c> links (also the <c>request</c> command, <c>p=</c> and
/// <c>text=</c>). Decoding never runs anything; any failure is a <c>malformed_json</c> repair.
/// </summary>
internal static class ConduitLinkDecoder
{
    public const string Scheme = "conduit:";

    /// <summary>Decodes the payload text, or returns the problem.</summary>
    public static string? Decode(string link, out RequestProblem? problem)
    {
        problem = null;
        var text = link.Trim();
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            problem = RequestProblem.Malformed(JsonPath.Root, "Not a conduit:// link.");
            return null;
        }

        var rest = text[Scheme.Length..].TrimStart('/');
        var question = rest.IndexOf('?', StringComparison.Ordinal);
        var command = (question < 0 ? rest : rest[..question]).Trim('/');
        var query = question < 0 ? string.Empty : rest[(question + 1)..];
        if (command.Length > 0 && command != "run" && command != "request")
        {
            problem = RequestProblem.Malformed(JsonPath.Root, $"Unknown conduit:// command: {command}. Use conduit://run?payload=…");
            return null;
        }

        string? payload = null, plain = null;
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? pair : pair[..equals];
            var value = equals < 0 ? string.Empty : pair[(equals + 1)..];
            if ((name == "payload" || name == "p") && payload is null && value.Length > 0)
            {
                payload = value;
            }
            else if (name == "text" && plain is null && value.Length > 0)
            {
                plain = Uri.UnescapeDataString(value.Replace('+', ' '));
            }
        }

        if (payload is null && plain is null)
        {
            problem = RequestProblem.Malformed(JsonPath.Root, "Conduit URL is missing a payload.");
            return null;
        }

        if (payload is null)
        {
            return CheckSize(plain!, out problem);
        }

        byte[] bytes;
        try
        {
            bytes = Base64UrlDecode(Uri.UnescapeDataString(payload));
        }
        catch (FormatException)
        {
            problem = RequestProblem.Malformed(JsonPath.Root, "Conduit URL payload is not valid base64url.");
            return null;
        }

        if (bytes.Length > ClipboardEnvelopeExtractor.MaxBytes)
        {
            problem = RequestProblem.Malformed(JsonPath.Root, $"Conduit URL payload is larger than {ClipboardEnvelopeExtractor.MaxBytes:N0} bytes.");
            return null;
        }

        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = RequestProblem.Malformed(JsonPath.Root, "Conduit URL payload is not valid UTF-8.");
            return null;
        }
    }

    /// <summary>Encodes a request text as a link (unpadded base64url).</summary>
    public static string Encode(string requestText) =>
        "conduit://run?payload=" + Convert.ToBase64String(Encoding.UTF8.GetBytes(requestText)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string? CheckSize(string text, out RequestProblem? problem)
    {
        problem = null;
        if (Encoding.UTF8.GetByteCount(text) > ClipboardEnvelopeExtractor.MaxBytes)
        {
            problem = RequestProblem.Malformed(JsonPath.Root, $"Conduit URL payload is larger than {ClipboardEnvelopeExtractor.MaxBytes:N0} bytes.");
            return null;
        }

        return text;
    }

    private static byte[] Base64UrlDecode(string value)
    {
        var s = value.Replace('-', '+').Replace('_', '/');
        if (s.Contains('=', StringComparison.Ordinal) && s.TrimEnd('=').Contains('=', StringComparison.Ordinal))
        {
            throw new FormatException("padding inside the payload");
        }

        s = s.TrimEnd('=');
        switch (s.Length % 4)
        {
            case 1: throw new FormatException("bad length");
            case 2: s += "=="; break;
            case 3: s += "="; break;
        }

        return Convert.FromBase64String(s);
    }
}

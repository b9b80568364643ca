namespace Conduit.Requests;

/// <summary>
/// The looser parser for an assistant message in a paired session's agent loop (protocol §2, "Agent-turn parser"):
/// prose is allowed around exactly one request block. Never used for clipboard, file, link or API input.
/// </summary>
internal static class AgentTurnExtractor
{
    private static readonly string[] RequestTags = ["conduit", "conduit-json", "conduit-call"];
    private const string FinalTag = "conduit-final";
    private const string HandshakeRequestTag = "conduit-handshake-request";

    private enum BlockKind
    {
        Request,
        Final,
        HandshakeRequest,
    }

    public static EnvelopeText Extract(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (System.Text.Encoding.UTF8.GetByteCount(message) > ClipboardEnvelopeExtractor.MaxBytes)
        {
            return EnvelopeText.Reject(RepairCodes.MalformedJson, $"Request is larger than {ClipboardEnvelopeExtractor.MaxBytes:N0} bytes.");
        }

        var blocks = FindBlocks(message.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (blocks.Exists(b => b.Kind == BlockKind.HandshakeRequest))
        {
            return new EnvelopeText { Kind = EnvelopeTextKind.HandshakeRequest };
        }

        var requests = blocks.FindAll(b => b.Kind == BlockKind.Request);
        var finals = blocks.FindAll(b => b.Kind == BlockKind.Final);
        if (requests.Count > 1)
        {
            return EnvelopeText.Reject(RepairCodes.MultipleEnvelopes, $"Found {requests.Count} request blocks; send exactly one per turn.");
        }

        if (requests.Count == 1 && finals.Count > 0)
        {
            return EnvelopeText.Reject(RepairCodes.RequestRejected, "PROTOCOL ERROR: a turn cannot contain both a request block and a conduit-final block.");
        }

        if (finals.Count > 1)
        {
            return EnvelopeText.Reject(RepairCodes.MultipleEnvelopes, $"Found {finals.Count} conduit-final blocks; send exactly one.");
        }

        if (requests.Count == 1)
        {
            return new EnvelopeText { Kind = EnvelopeTextKind.Json, Json = requests[0].Body, Fenced = true };
        }

        return finals.Count == 1 ? new EnvelopeText { Kind = EnvelopeTextKind.Final, Json = finals[0].Body, Fenced = true } : EnvelopeText.None;
    }

    private static List<(BlockKind Kind, string Body)> FindBlocks(string text)
    {
        var blocks = new List<(BlockKind, string)>();
        var lines = text.Split('\n');
        var i = 0;
        while (i < lines.Length)
        {
            var line = lines[i];
            var trimmed = line.Trim();
            if (trimmed.StartsWith("```", StringComparison.Ordinal))
            {
                var kind = Classify(trimmed[3..]);
                var end = i + 1;
                while (end < lines.Length && lines[end].Trim() != "```")
                {
                    end++;
                }

                if (kind is { } blockKind)
                {
                    blocks.Add((blockKind, string.Join('\n', lines[(i + 1)..Math.Min(end, lines.Length)])));
                }

                i = end + 1;
                continue;
            }

            if (trimmed is "<<<ACTIONS_JSON" or "<<<FINAL_JSON")
            {
                var closing = trimmed == "<<<ACTIONS_JSON" ? "ACTIONS_JSON>>>" : "FINAL_JSON>>>";
                var end = i + 1;
                while (end < lines.Length && lines[end].Trim() != closing)
                {
                    end++;
                }

                blocks.Add((trimmed == "<<<ACTIONS_JSON" ? BlockKind.Request : BlockKind.Final, string.Join('\n', lines[(i + 1)..Math.Min(end, lines.Length)])));
                i = end + 1;
                continue;
            }

            // A "rendered" block: a line equal to the tag, outside fences, then a JSON object.
            if (Classify(trimmed) is { } renderedKind && trimmed.Length > 0)
            {
                var next = i + 1;
                while (next < lines.Length && lines[next].Trim().Length == 0)
                {
                    next++;
                }

                if (next < lines.Length && lines[next].TrimStart().StartsWith('{'))
                {
                    var rest = string.Join('\n', lines[next..]);
                    var start = rest.IndexOf('{', StringComparison.Ordinal);
                    var length = BalancedObjectLength(rest, start);
                    var body = rest.Substring(start, length);
                    blocks.Add((renderedKind, body));
                    i = next + body.Count(c => c == '\n') + 1;
                    continue;
                }
            }

            i++;
        }

        return blocks;
    }

    /// <summary>Classifies a fence info string or a rendered tag line; <see langword="null"/> when it is not ours.</summary>
    private static BlockKind? Classify(string info)
    {
        var tag = info.Trim();
        if (tag.StartsWith("json ", StringComparison.Ordinal))
        {
            tag = tag[5..].Trim();
        }

        if (tag.EndsWith(" json", StringComparison.Ordinal))
        {
            tag = tag[..^5].Trim();
        }

        if (tag == HandshakeRequestTag)
        {
            return BlockKind.HandshakeRequest;
        }

        if (tag == FinalTag)
        {
            return BlockKind.Final;
        }

        return Array.IndexOf(RequestTags, tag) >= 0 ? BlockKind.Request : null;
    }

    /// <summary>The length of the JSON object starting at <paramref name="start"/>, string-aware; the rest of the text when unbalanced.</summary>
    private static int BalancedObjectLength(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inString = false;
                }

                continue;
            }

            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    depth--;
                    if (depth == 0)
                    {
                        return i - start + 1;
                    }

                    break;
            }
        }

        return text.Length - start;
    }
}

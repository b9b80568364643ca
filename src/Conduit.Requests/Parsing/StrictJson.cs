using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Requests;

/// <summary>
/// Strict RFC 8259 JSON: no comments, no trailing commas, a depth cap, and no duplicate object keys
/// (compared after unescaping, so <c>"a"</c> and <c>"\u0061"</c> are the same key).
/// </summary>
internal static class StrictJson
{
    /// <summary>The deepest nesting accepted.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = MaxDepth,
    };

    /// <summary>Parses <paramref name="text"/> or returns the problem with its path.</summary>
    public static JsonNode? Parse(string text, out RequestProblem? problem)
    {
        problem = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(Encoding.UTF8.GetBytes(text), DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $" (line {line + 1}, byte {ex.BytePositionInLine + 1})" : string.Empty;
            problem = RequestProblem.Malformed(string.IsNullOrEmpty(ex.Path) ? JsonPath.Root : ex.Path, $"Invalid JSON{where}: {FirstSentence(ex.Message)}");
            return null;
        }

        using (document)
        {
            problem = FindDuplicateKey(document.RootElement, JsonPath.Root);
            if (problem is not null)
            {
                return null;
            }

            return document.RootElement.ValueKind switch
            {
                JsonValueKind.Object => JsonObject.Create(document.RootElement.Clone()),
                JsonValueKind.Array => JsonArray.Create(document.RootElement.Clone()),
                _ => JsonValue.Create(document.RootElement.Clone()),
            };
        }
    }

    private static RequestProblem? FindDuplicateKey(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    if (!seen.Add(property.Name))
                    {
                        return RequestProblem.Malformed(JsonPath.Property(path, property.Name), $"Duplicate JSON object key: {property.Name}");
                    }

                    var inner = FindDuplicateKey(property.Value, JsonPath.Property(path, property.Name));
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var inner = FindDuplicateKey(item, JsonPath.Index(path, index++));
                    if (inner is not null)
                    {
                        return inner;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}

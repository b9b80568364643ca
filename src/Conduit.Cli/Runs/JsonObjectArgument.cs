using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conduit.Cli.Runs;

/// <summary>
/// The original Conduit's <c>&lt;json|@file&gt;</c> flag values (<c>runs create --input</c>, <c>--metadata</c>): inline
/// JSON or <c>@path</c> to a JSON file, which must hold an object. Errors name the flag and, for a file, the file,
/// line and position.
/// </summary>
internal static class JsonObjectArgument
{
    public static JsonObject Parse(string flag, string value, string workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(value);
        string text;
        string source;
        if (value.StartsWith('@'))
        {
            var path = Path.GetFullPath(value[1..], workingDirectory);
            if (!File.Exists(path))
            {
                throw new FormatException($"{flag} {value}: the file {path} does not exist.");
            }

            text = File.ReadAllText(path);
            source = $"{flag} {value} ({path})";
        }
        else
        {
            text = value;
            source = flag;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            var line = (exception.LineNumber ?? 0) + 1;
            var position = (exception.BytePositionInLine ?? 0) + 1;
            throw new FormatException($"{source}: not valid JSON at line {line}, position {position}: {Reason(exception)}", exception);
        }

        return node as JsonObject
            ?? throw new FormatException($"{source}: must be a JSON object ({{...}}), not {(node is null ? "null" : node.GetValueKind().ToString().ToLowerInvariant())}.");
    }

    /// <summary>The parser's message without its own "LineNumber: | BytePositionInLine:" suffix.</summary>
    private static string Reason(JsonException exception)
    {
        var message = exception.Message;
        var suffix = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (suffix < 0)
        {
            suffix = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        }

        return (suffix < 0 ? message : message[..suffix]).TrimEnd();
    }
}

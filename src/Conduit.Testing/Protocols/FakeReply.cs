using System.Text;
using System.Text.Json.Nodes;

namespace Conduit.Testing.Protocols;

/// <summary>A rendered HTTP answer.</summary>
internal sealed class FakeReply
{
    public required int StatusCode { get; init; }

    public required string ContentType { get; init; }

    public required string Body { get; init; }

    public static FakeReply Json(JsonNode body, int statusCode = 200) => new()
    {
        StatusCode = statusCode,
        ContentType = "application/json",
        Body = body.ToJsonString(),
    };

    public static FakeReply NotFound(string message) =>
        Json(new JsonObject { ["error"] = new JsonObject { ["message"] = message } }, 404);
}

/// <summary>Writes a <c>text/event-stream</c> body.</summary>
internal sealed class ServerSentEvents
{
    private readonly StringBuilder _text = new();

    /// <summary>Adds one event; <paramref name="eventName"/> null writes a data-only event (Gemini style).</summary>
    public ServerSentEvents Add(string? eventName, JsonNode data)
    {
        if (eventName is not null)
        {
            _text.Append("event: ").Append(eventName).Append('\n');
        }

        _text.Append("data: ").Append(data.ToJsonString()).Append("\n\n");
        return this;
    }

    public FakeReply ToReply() => new() { StatusCode = 200, ContentType = "text/event-stream", Body = _text.ToString() };
}

/// <summary>Finds the working directory a CLI tells its model about, to resolve relative paths of scripted tool calls.</summary>
internal static class WorkingDirectoryResolver
{
    private static readonly (string Start, string End)[] Markers =
    [
        ("Primary working directory: ", "\n"), // Claude Code system prompt
        ("<cwd>", "</cwd>"), // Codex environment_context
        ("**Workspace Directories:**\n  - ", "\n"), // Gemini CLI session_context
    ];

    public static string Resolve(string path, JsonNode? body)
    {
        if (Path.IsPathRooted(path) || body is null)
        {
            return path;
        }

        var directory = Find(body);
        return directory is null ? path : Path.Combine(directory, path);
    }

    internal static string? Find(JsonNode body)
    {
        foreach (var text in Strings(body))
        {
            foreach (var (start, end) in Markers)
            {
                var at = text.IndexOf(start, StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }

                at += start.Length;
                var stop = text.IndexOf(end, at, StringComparison.Ordinal);
                var directory = (stop < 0 ? text[at..] : text[at..stop]).Trim();
                if (Path.IsPathRooted(directory))
                {
                    return directory;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Strings(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                yield return text;
                break;
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    foreach (var text in Strings(child))
                    {
                        yield return text;
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    foreach (var text in Strings(child))
                    {
                        yield return text;
                    }
                }

                break;
        }
    }

    /// <summary>Quotes <paramref name="text"/> for a POSIX shell.</summary>
    public static string ShellQuote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}

using System.Text.Json.Nodes;

namespace Conduit.Testing.Protocols;

/// <summary>Gemini API answers, as Gemini CLI reads them (<c>streamGenerateContent?alt=sse</c> and <c>generateContent</c>).</summary>
internal static class GeminiProtocol
{
    /// <summary>What Gemini CLI's model router asks generateContent for: a complexity score as JSON.</summary>
    private const string RouterAnswer = """{"complexity_reasoning":"fake model API: always simple","complexity_score":10}""";

    public static FakeReply StreamGenerateContent(FakeTurn turn, JsonNode? request, FakeModelServerOptions options)
    {
        if (turn.Kind == FakeTurnKind.Error)
        {
            return Error(turn);
        }

        return new ServerSentEvents().Add(null, Chunk(Part(turn, request), options)).ToReply();
    }

    public static FakeReply GenerateContent(FakeModelServerOptions options) =>
        FakeReply.Json(Chunk(new JsonObject { ["text"] = RouterAnswer }, options));

    private static FakeReply Error(FakeTurn turn) => FakeReply.Json(
        new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = turn.StatusCode,
                ["message"] = turn.ErrorMessage,
                ["status"] = turn.StatusCode switch
                {
                    400 => "INVALID_ARGUMENT",
                    401 => "UNAUTHENTICATED",
                    403 => "PERMISSION_DENIED",
                    429 => "RESOURCE_EXHAUSTED",
                    503 => "UNAVAILABLE",
                    _ => "INTERNAL",
                },
            },
        },
        turn.StatusCode);

    private static JsonObject Chunk(JsonObject part, FakeModelServerOptions options) => new()
    {
        ["candidates"] = new JsonArray(new JsonObject
        {
            ["content"] = new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(part) },
            ["finishReason"] = "STOP",
            ["index"] = 0,
        }),
        ["usageMetadata"] = new JsonObject
        {
            ["promptTokenCount"] = options.InputTokens,
            ["candidatesTokenCount"] = options.OutputTokens,
            ["totalTokenCount"] = options.InputTokens + options.OutputTokens,
        },
        ["modelVersion"] = "gemini-fake",
    };

    private static JsonObject Part(FakeTurn turn, JsonNode? request) => turn.Kind switch
    {
        FakeTurnKind.Text => new JsonObject { ["text"] = turn.ReplyText },
        FakeTurnKind.WriteFile => Call("write_file", new JsonObject
        {
            ["file_path"] = WorkingDirectoryResolver.Resolve(turn.FilePath!, request),
            ["content"] = turn.FileContent,
        }),
        FakeTurnKind.Shell => Call("run_shell_command", new JsonObject { ["command"] = turn.Command }),
        _ => Call(turn.ToolName!, JsonNode.Parse(turn.ToolArgumentsJson!)!.AsObject()),
    };

    private static JsonObject Call(string name, JsonObject args) =>
        new() { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = args } };
}

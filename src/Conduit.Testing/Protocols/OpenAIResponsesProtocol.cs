using System.Globalization;
using System.Text.Json.Nodes;

namespace Conduit.Testing.Protocols;

/// <summary>OpenAI Responses API answers, as Codex reads them (SSE).</summary>
internal static class OpenAIResponsesProtocol
{
    public static FakeReply Render(FakeTurn turn, JsonNode? request, FakeModelServerOptions options, int sequence)
    {
        if (turn.Kind == FakeTurnKind.Error)
        {
            return FakeReply.Json(
                new JsonObject
                {
                    ["error"] = new JsonObject
                    {
                        ["message"] = turn.ErrorMessage,
                        ["type"] = turn.StatusCode == 401 ? "invalid_request_error" : "server_error",
                        ["code"] = turn.StatusCode == 401 ? "invalid_api_key" : null,
                        ["param"] = null,
                    },
                },
                turn.StatusCode);
        }

        var model = request?["model"]?.GetValue<string>() ?? "fake-model";
        var responseId = Id("resp_fake_", sequence);
        JsonObject item;
        JsonObject? textDelta = null;
        if (turn.Kind == FakeTurnKind.Text)
        {
            var itemId = Id("msg_fake_", sequence);
            item = new JsonObject
            {
                ["type"] = "message",
                ["id"] = itemId,
                ["status"] = "completed",
                ["role"] = "assistant",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = turn.ReplyText, ["annotations"] = new JsonArray() }),
            };
            textDelta = new JsonObject
            {
                ["type"] = "response.output_text.delta",
                ["item_id"] = itemId,
                ["output_index"] = 0,
                ["content_index"] = 0,
                ["delta"] = turn.ReplyText,
            };
        }
        else
        {
            var (name, arguments) = ToolCall(turn, request);
            item = new JsonObject
            {
                ["type"] = "function_call",
                ["id"] = Id("fc_fake_", sequence),
                ["status"] = "completed",
                ["call_id"] = Id("call_fake_", sequence),
                ["name"] = name,
                ["arguments"] = arguments.ToJsonString(),
            };
        }

        var added = item.DeepClone().AsObject();
        added["status"] = "in_progress";
        if (turn.Kind == FakeTurnKind.Text)
        {
            added["content"] = new JsonArray();
        }

        var events = new ServerSentEvents()
            .Add("response.created", new JsonObject
            {
                ["type"] = "response.created",
                ["response"] = Response(responseId, model, "in_progress", new JsonArray(), null),
            })
            .Add("response.output_item.added", new JsonObject { ["type"] = "response.output_item.added", ["output_index"] = 0, ["item"] = added });
        if (textDelta is not null)
        {
            events.Add("response.output_text.delta", textDelta);
        }

        return events
            .Add("response.output_item.done", new JsonObject { ["type"] = "response.output_item.done", ["output_index"] = 0, ["item"] = item.DeepClone() })
            .Add("response.completed", new JsonObject
            {
                ["type"] = "response.completed",
                ["response"] = Response(responseId, model, "completed", new JsonArray(item), new JsonObject
                {
                    ["input_tokens"] = options.InputTokens,
                    ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = options.CachedInputTokens },
                    ["output_tokens"] = options.OutputTokens,
                    ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                    ["total_tokens"] = options.InputTokens + options.OutputTokens,
                }),
            })
            .ToReply();
    }

    private static JsonObject Response(string id, string model, string status, JsonArray output, JsonObject? usage) => new()
    {
        ["id"] = id,
        ["object"] = "response",
        ["created_at"] = 1_700_000_000,
        ["status"] = status,
        ["model"] = model,
        ["output"] = output,
        ["usage"] = usage,
    };

    private static (string Name, JsonObject Arguments) ToolCall(FakeTurn turn, JsonNode? request) => turn.Kind switch
    {
        // Codex offers a custom model no patch tool, so a file write is a shell command.
        FakeTurnKind.WriteFile => ("exec_command", new JsonObject
        {
            ["cmd"] = "printf '%s' " + WorkingDirectoryResolver.ShellQuote(turn.FileContent!) + " > "
                + WorkingDirectoryResolver.ShellQuote(WorkingDirectoryResolver.Resolve(turn.FilePath!, request)),
        }),
        FakeTurnKind.Shell => ("exec_command", new JsonObject { ["cmd"] = turn.Command }),
        _ => (turn.ToolName!, JsonNode.Parse(turn.ToolArgumentsJson!)!.AsObject()),
    };

    private static string Id(string prefix, int sequence) => prefix + sequence.ToString("D6", CultureInfo.InvariantCulture);
}

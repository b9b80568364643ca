using System.Globalization;
using System.Text.Json.Nodes;

namespace Conduit.Testing.Protocols;

/// <summary>Anthropic Messages API answers, as Claude Code reads them (SSE when <c>stream:true</c>).</summary>
internal static class AnthropicMessagesProtocol
{
    public static FakeReply Render(FakeTurn turn, JsonNode? request, FakeModelServerOptions options, int sequence)
    {
        if (turn.Kind == FakeTurnKind.Error)
        {
            return FakeReply.Json(
                new JsonObject
                {
                    ["type"] = "error",
                    ["error"] = new JsonObject { ["type"] = ErrorType(turn.StatusCode), ["message"] = turn.ErrorMessage },
                },
                turn.StatusCode);
        }

        var model = request?["model"]?.GetValue<string>() ?? "claude-fake";
        var messageId = Id("msg_fake_", sequence);
        JsonObject block;
        string stopReason;
        string? deltaJson = null;
        if (turn.Kind == FakeTurnKind.Text)
        {
            block = new JsonObject { ["type"] = "text", ["text"] = turn.ReplyText };
            stopReason = "end_turn";
        }
        else
        {
            var (name, input) = ToolCall(turn, request);
            block = new JsonObject { ["type"] = "tool_use", ["id"] = Id("toolu_fake_", sequence), ["name"] = name, ["input"] = input };
            deltaJson = input.ToJsonString();
            stopReason = "tool_use";
        }

        var stream = request?["stream"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;
        if (!stream)
        {
            return FakeReply.Json(new JsonObject
            {
                ["id"] = messageId,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = model,
                ["content"] = new JsonArray(block),
                ["stop_reason"] = stopReason,
                ["stop_sequence"] = null,
                ["usage"] = Usage(options.InputTokens, options.OutputTokens),
            });
        }

        var startBlock = block.DeepClone().AsObject();
        if (turn.Kind == FakeTurnKind.Text)
        {
            startBlock["text"] = "";
        }
        else
        {
            startBlock["input"] = new JsonObject();
        }

        var delta = turn.Kind == FakeTurnKind.Text
            ? new JsonObject { ["type"] = "text_delta", ["text"] = turn.ReplyText }
            : new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = deltaJson };

        return new ServerSentEvents()
            .Add("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = messageId,
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["model"] = model,
                    ["content"] = new JsonArray(),
                    ["stop_reason"] = null,
                    ["stop_sequence"] = null,
                    ["usage"] = Usage(options.InputTokens, 1),
                },
            })
            .Add("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = startBlock })
            .Add("content_block_delta", new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = delta })
            .Add("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 })
            .Add("message_delta", new JsonObject
            {
                ["type"] = "message_delta",
                ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
                ["usage"] = new JsonObject { ["output_tokens"] = options.OutputTokens },
            })
            .Add("message_stop", new JsonObject { ["type"] = "message_stop" })
            .ToReply();
    }

    public static FakeReply CountTokens(FakeModelServerOptions options) =>
        FakeReply.Json(new JsonObject { ["input_tokens"] = options.InputTokens });

    private static (string Name, JsonObject Input) ToolCall(FakeTurn turn, JsonNode? request) => turn.Kind switch
    {
        FakeTurnKind.WriteFile => ("Write", new JsonObject
        {
            ["file_path"] = WorkingDirectoryResolver.Resolve(turn.FilePath!, request),
            ["content"] = turn.FileContent,
        }),
        FakeTurnKind.Shell => ("Bash", new JsonObject { ["command"] = turn.Command, ["description"] = "Run a command for the fake model" }),
        _ => (turn.ToolName!, JsonNode.Parse(turn.ToolArgumentsJson!)!.AsObject()),
    };

    private static JsonObject Usage(int input, int output) => new()
    {
        ["input_tokens"] = input,
        ["output_tokens"] = output,
        ["cache_creation_input_tokens"] = 0,
        ["cache_read_input_tokens"] = 0,
    };

    private static string ErrorType(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        529 => "overloaded_error",
        _ => "api_error",
    };

    private static string Id(string prefix, int sequence) => prefix + sequence.ToString("D6", CultureInfo.InvariantCulture);
}

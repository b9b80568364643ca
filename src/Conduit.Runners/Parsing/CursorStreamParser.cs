using System.Text;
using System.Text.Json;

namespace Conduit.Runners.Parsing;

/// <summary>
/// Parses <c>cursor-agent -p --output-format stream-json</c> as documented (no capture exists): <c>system</c>/init,
/// <c>user</c>, <c>assistant</c> (message.content[].text), <c>tool_call</c> (subtype started|completed, call_id)
/// and the final <c>result</c> (subtype, is_error, result, session_id, duration_ms).
/// </summary>
/// <remarks>
/// Cursor may end with no result line and a non-zero exit on failure: that is a failure. Usage is read from
/// <c>result.usage</c> when present (camelCase token names); cost is estimated with the price table.
/// </remarks>
internal sealed class CursorStreamParser : AgentStreamParser
{
    private string? _model;
    private bool _resultIsError;
    private string? _resultText;
    private string? _resultSubtype;

    public CursorStreamParser(AgentStreamParserContext context)
        : base(AgentProviders.Cursor, context)
    {
    }

    protected override void Parse(JsonElement root, string? type, List<AgentEvent> events)
    {
        switch (type)
        {
            case "system" when GetString(root, "subtype") == "init":
                SessionId = GetString(root, "session_id") ?? SessionId;
                _model = GetString(root, "model");
                if (SessionId is not null)
                {
                    events.Add(Session(SessionId, _model, GetString(root, "cwd"), cliVersion: null));
                }

                break;
            case "assistant" when GetProperty(root, "message") is { } message && GetProperty(message, "content") is { ValueKind: JsonValueKind.Array } content:
                var text = new StringBuilder();
                foreach (var block in content.EnumerateArray())
                {
                    if (GetString(block, "type") is null or "text" && GetString(block, "text") is { } blockText)
                    {
                        text.Append(blockText);
                    }
                }

                if (text.Length > 0)
                {
                    FinalText = text.ToString();
                    events.Add(Text(FinalText, delta: false));
                }

                break;
            case "tool_call":
                ParseToolCall(root, events);
                break;
            case "result":
                MarkResult();
                SessionId = GetString(root, "session_id") ?? SessionId;
                _resultIsError = GetBoolean(root, "is_error");
                _resultSubtype = GetString(root, "subtype");
                _resultText = GetString(root, "result");
                FinalText = _resultText ?? FinalText;
                if (GetProperty(root, "usage") is { } usage)
                {
                    var cacheRead = GetInt64(usage, "cacheReadTokens");
                    var cacheWrite = GetInt64(usage, "cacheWriteTokens");
                    events.Add(Usage(WithEstimatedCost(
                        new AgentUsage
                        {
                            InputTokens = GetInt64(usage, "inputTokens") + cacheRead + cacheWrite,
                            OutputTokens = GetInt64(usage, "outputTokens"),
                            CachedInputTokens = cacheRead,
                            CacheWriteTokens = cacheWrite,
                        },
                        _model ?? Context.RequestedModel)));
                }

                break;
        }
    }

    protected override Verdict Judge(AgentProcessEnd end)
    {
        if (!HasResult)
        {
            return MissingResult(end);
        }

        if (_resultIsError)
        {
            var text = _resultText ?? _resultSubtype ?? "error";
            return IsAuthText(text)
                ? new Verdict(AgentOutcome.AuthRequired, Shorten(text), "auth_required")
                : new Verdict(AgentOutcome.Failed, Shorten(text), _resultSubtype ?? "failed");
        }

        if (end.ExitCode is not 0)
        {
            return NonZeroExit(end);
        }

        if (DeniedToolCalls.Count > 0)
        {
            return new Verdict(AgentOutcome.PermissionDenied, $"permission denied for {DeniedToolCalls.Count} tool call(s): {string.Join(", ", DeniedToolCalls)}", "permission_denied");
        }

        return new Verdict(AgentOutcome.Succeeded, _resultSubtype ?? "success");
    }

    private void ParseToolCall(JsonElement root, List<AgentEvent> events)
    {
        var callId = GetString(root, "call_id");
        // tool_call: { "<kind>ToolCall": { "args": {...}, "result": { "success": {...} | "error": {...} | "rejected": {...} } } }
        string name = "tool";
        JsonElement? args = null;
        JsonElement? result = null;
        if (GetProperty(root, "tool_call") is { ValueKind: JsonValueKind.Object } toolCall)
        {
            foreach (var property in toolCall.EnumerateObject())
            {
                name = property.Name.EndsWith("ToolCall", StringComparison.Ordinal) ? property.Name[..^"ToolCall".Length] : property.Name;
                args = GetProperty(property.Value, "args");
                result = GetProperty(property.Value, "result");
                break;
            }
        }

        switch (GetString(root, "subtype"))
        {
            case "started":
                events.Add(ToolStarted(callId, name, args));
                break;
            case "completed":
                var status = ToolCallStatus.Succeeded;
                string? output = null;
                if (result is { ValueKind: JsonValueKind.Object } r)
                {
                    if (GetProperty(r, "success") is { } success)
                    {
                        output = TextOf(success);
                    }
                    else if (GetProperty(r, "rejected") is { } rejected)
                    {
                        status = ToolCallStatus.Denied;
                        output = TextOf(rejected);
                    }
                    else if (GetProperty(r, "error") is { } error)
                    {
                        status = ToolCallStatus.Failed;
                        output = TextOf(error);
                    }
                }

                events.Add(ToolCompleted(callId, name, output, status));
                break;
        }
    }
}

using System.Text;
using System.Text.Json;

namespace Conduit.Runners.Parsing;

/// <summary>
/// Parses <c>claude -p --output-format stream-json --verbose</c>: <c>system</c> (init, api_retry, status),
/// <c>assistant</c> (whole messages: text and tool_use blocks), <c>user</c> (tool_result blocks),
/// <c>stream_event</c> (raw API deltas with <c>--include-partial-messages</c>) and the final <c>result</c>.
/// </summary>
/// <remarks>
/// Usage comes from <c>result.usage</c> and <c>total_cost_usd</c> only (an assistant message's usage is partial).
/// When text deltas were streamed for a message, its whole <c>assistant</c> copy yields no second text event.
/// </remarks>
internal sealed class ClaudeStreamParser : AgentStreamParser
{
    private readonly HashSet<string> _streamedMessageIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _toolNames = new(StringComparer.Ordinal);
    private string? _streamMessageId;
    private bool _nextDeltaStartsText;
    private string? _model;
    private string? _lastAssistantText;
    private string? _assistantError;
    private string? _resultSubtype;
    private bool _resultIsError;
    private int? _apiErrorStatus;
    private string? _resultText;
    private string? _resultErrors;
    private string? _stopReason;
    private List<string> _deniedByResult = [];

    public ClaudeStreamParser(AgentStreamParserContext context)
        : base(AgentProviders.Claude, context)
    {
    }

    protected override void Parse(JsonElement root, string? type, List<AgentEvent> events)
    {
        switch (type)
        {
            case "system":
                ParseSystem(root, events);
                break;
            case "assistant":
                ParseAssistant(root, events);
                break;
            case "user":
                ParseUser(root, events);
                break;
            case "stream_event":
                ParseStreamEvent(root, events);
                break;
            case "result":
                ParseResult(root, events);
                break;
        }
    }

    protected override Verdict Judge(AgentProcessEnd end)
    {
        if (!HasResult)
        {
            return MissingResult(end);
        }

        if (_resultSubtype == "error_max_turns")
        {
            return new Verdict(AgentOutcome.MaxTurns, _resultErrors ?? "error_max_turns", "max_turns");
        }

        if (_resultIsError)
        {
            var text = _resultText ?? _resultErrors ?? _resultSubtype ?? "error";
            if (_apiErrorStatus is 401 or 403 || _assistantError is "authentication_failed" || IsAuthText(text))
            {
                return new Verdict(AgentOutcome.AuthRequired, Shorten(text), "auth_required");
            }

            if (_apiErrorStatus is not null || text.StartsWith("API Error", StringComparison.OrdinalIgnoreCase) || _assistantError is not null)
            {
                return new Verdict(AgentOutcome.ApiError, Shorten(text), "api_error");
            }

            return new Verdict(AgentOutcome.Failed, Shorten(text), _resultSubtype ?? "failed");
        }

        if (_resultSubtype is not null && _resultSubtype.StartsWith("error", StringComparison.Ordinal))
        {
            return new Verdict(AgentOutcome.Failed, _resultErrors ?? _resultSubtype, _resultSubtype);
        }

        var denied = _deniedByResult.Count > 0 ? _deniedByResult : DeniedToolCalls;
        if (denied.Count > 0)
        {
            return new Verdict(AgentOutcome.PermissionDenied, $"permission denied for {denied.Count} tool call(s): {string.Join(", ", denied)}", "permission_denied");
        }

        if (end.ExitCode is not 0)
        {
            return NonZeroExit(end);
        }

        return new Verdict(AgentOutcome.Succeeded, _stopReason ?? _resultSubtype);
    }

    private void ParseSystem(JsonElement root, List<AgentEvent> events)
    {
        switch (GetString(root, "subtype"))
        {
            case "init":
                SessionId = GetString(root, "session_id") ?? SessionId;
                _model = GetString(root, "model");
                if (SessionId is not null)
                {
                    events.Add(Session(SessionId, _model, GetString(root, "cwd"), GetString(root, "claude_code_version")));
                }

                break;
            case "api_retry":
                var status = GetInt32OrNull(root, "error_status");
                var error = GetString(root, "error");
                var attempt = GetInt32OrNull(root, "attempt");
                var max = GetInt32OrNull(root, "max_retries");
                events.Add(Warning($"model API request failed ({status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no status"} {error}); claude retries ({attempt}/{max})"));
                if (status is 401 or 403 || error is "authentication_failed")
                {
                    RequestStop(AgentOutcome.AuthRequired, $"the model API refused the credentials (HTTP {status}); claude would keep retrying for minutes");
                }

                break;
        }
    }

    private void ParseAssistant(JsonElement root, List<AgentEvent> events)
    {
        _assistantError = GetString(root, "error") ?? _assistantError;
        if (GetProperty(root, "message") is not { } message || GetProperty(message, "content") is not { ValueKind: JsonValueKind.Array } content)
        {
            return;
        }

        var messageId = GetString(message, "id");
        var streamed = messageId is not null && _streamedMessageIds.Contains(messageId);
        StringBuilder? text = null;
        foreach (var block in content.EnumerateArray())
        {
            switch (GetString(block, "type"))
            {
                case "text" when GetString(block, "text") is { } blockText:
                    (text ??= new StringBuilder()).Append(blockText);
                    break;
                case "tool_use":
                    FlushText(ref text, streamed, events);
                    var id = GetString(block, "id");
                    var name = GetString(block, "name") ?? "tool";
                    if (id is not null)
                    {
                        _toolNames[id] = name;
                    }

                    events.Add(ToolStarted(id, name, GetProperty(block, "input")));
                    break;
            }
        }

        FlushText(ref text, streamed, events);
    }

    private void FlushText(ref StringBuilder? text, bool streamed, List<AgentEvent> events)
    {
        if (text is null)
        {
            return;
        }

        _lastAssistantText = text.ToString();
        FinalText = _lastAssistantText;
        if (!streamed)
        {
            events.Add(Text(_lastAssistantText, delta: false));
        }

        text = null;
    }

    private void ParseUser(JsonElement root, List<AgentEvent> events)
    {
        if (GetProperty(root, "message") is not { } message || GetProperty(message, "content") is not { ValueKind: JsonValueKind.Array } content)
        {
            return;
        }

        foreach (var block in content.EnumerateArray())
        {
            if (GetString(block, "type") != "tool_result")
            {
                continue;
            }

            var id = GetString(block, "tool_use_id");
            var output = TextOf(GetProperty(block, "content"));
            var status = ToolCallStatus.Succeeded;
            if (GetBoolean(block, "is_error"))
            {
                status = output is not null && (Contains(output, "requested permissions") || Contains(output, "haven't granted") || Contains(output, "permission denied"))
                    ? ToolCallStatus.Denied
                    : ToolCallStatus.Failed;
            }

            events.Add(ToolCompleted(id, id is not null && _toolNames.TryGetValue(id, out var name) ? name : null, output, status));
        }
    }

    private void ParseStreamEvent(JsonElement root, List<AgentEvent> events)
    {
        if (GetProperty(root, "event") is not { } streamEvent)
        {
            return;
        }

        switch (GetString(streamEvent, "type"))
        {
            case "message_start":
                _streamMessageId = GetProperty(streamEvent, "message") is { } message ? GetString(message, "id") : null;
                break;
            case "content_block_start":
                _nextDeltaStartsText = true;
                break;
            case "content_block_delta" when GetProperty(streamEvent, "delta") is { } delta && GetString(delta, "type") == "text_delta":
                var chunk = GetString(delta, "text") ?? "";
                if (_streamMessageId is not null)
                {
                    _streamedMessageIds.Add(_streamMessageId);
                }

                events.Add(Text(chunk, delta: !_nextDeltaStartsText));
                _nextDeltaStartsText = false;
                break;
        }
    }

    private void ParseResult(JsonElement root, List<AgentEvent> events)
    {
        MarkResult();
        SessionId = GetString(root, "session_id") ?? SessionId;
        _resultSubtype = GetString(root, "subtype");
        _resultIsError = GetBoolean(root, "is_error");
        _apiErrorStatus = GetInt32OrNull(root, "api_error_status");
        _resultText = GetString(root, "result");
        _stopReason = GetString(root, "stop_reason");
        if (GetProperty(root, "errors") is { ValueKind: JsonValueKind.Array } errors)
        {
            _resultErrors = string.Join("; ", errors.EnumerateArray().Select(e => TextOf(e)).Where(e => !string.IsNullOrEmpty(e)));
            if (_resultErrors.Length == 0)
            {
                _resultErrors = null;
            }
        }

        if (GetProperty(root, "permission_denials") is { ValueKind: JsonValueKind.Array } denials)
        {
            _deniedByResult = denials.EnumerateArray().Select(d => GetString(d, "tool_name") ?? GetString(d, "tool_use_id") ?? "tool").ToList();
        }

        FinalText = _resultText ?? _lastAssistantText;
        if (GetProperty(root, "usage") is { } usage)
        {
            var cacheRead = GetInt64(usage, "cache_read_input_tokens");
            var cacheWrite = GetInt64(usage, "cache_creation_input_tokens");
            events.Add(Usage(new AgentUsage
            {
                InputTokens = GetInt64(usage, "input_tokens") + cacheRead + cacheWrite,
                OutputTokens = GetInt64(usage, "output_tokens"),
                CachedInputTokens = cacheRead,
                CacheWriteTokens = cacheWrite,
                CostUsd = GetDecimalOrNull(root, "total_cost_usd"),
            }));
        }
    }
}

using System.Text;
using System.Text.Json;

namespace Conduit.Runners.Parsing;

/// <summary>
/// Parses <c>gemini -p ... -o stream-json</c>: <c>init</c>, <c>message</c> (assistant text arrives as
/// <c>delta:true</c> chunks), <c>tool_use</c>, <c>tool_result</c>, <c>error</c> and the final <c>result</c> with
/// token <c>stats</c> per model.
/// </summary>
/// <remarks>
/// Exit codes carry the outcome when the stream cannot: the HTTP status modulo 256 on API errors (401 -> 145,
/// 403 -> 147, 500 -> 244), 41 bad auth configuration, 53 turn limit, 55 untrusted folder. Gemini reports no cost:
/// it is estimated per model in <c>stats.models</c> with the price table.
/// </remarks>
internal sealed class GeminiStreamParser : AgentStreamParser
{
    private readonly StringBuilder _message = new();
    private readonly Dictionary<string, string> _toolNames = new(StringComparer.Ordinal);
    private bool _inAssistantMessage;
    private string? _model;
    private string? _resultStatus;
    private string? _resultErrorType;
    private string? _resultErrorMessage;

    public GeminiStreamParser(AgentStreamParserContext context)
        : base(AgentProviders.Gemini, context)
    {
    }

    protected override void Parse(JsonElement root, string? type, List<AgentEvent> events)
    {
        switch (type)
        {
            case "init":
                SessionId = GetString(root, "session_id") ?? SessionId;
                _model = GetString(root, "model");
                if (SessionId is not null)
                {
                    events.Add(Session(SessionId, _model, workingDirectory: null, cliVersion: null));
                }

                break;
            case "message" when GetString(root, "role") == "assistant":
                var content = GetString(root, "content") ?? "";
                var continues = _inAssistantMessage && GetBoolean(root, "delta");
                if (!continues)
                {
                    _message.Clear();
                }

                _message.Append(content);
                _inAssistantMessage = true;
                FinalText = _message.ToString();
                events.Add(Text(content, delta: continues));
                break;
            case "message":
                _inAssistantMessage = false;
                break;
            case "tool_use":
                _inAssistantMessage = false;
                var id = GetString(root, "tool_id");
                var name = GetString(root, "tool_name") ?? "tool";
                if (id is not null)
                {
                    _toolNames[id] = name;
                }

                events.Add(ToolStarted(id, name, GetProperty(root, "parameters")));
                break;
            case "tool_result":
                _inAssistantMessage = false;
                var toolId = GetString(root, "tool_id");
                var error = GetProperty(root, "error");
                var errorText = error is { } e ? GetString(e, "message") ?? TextOf(e) : null;
                var output = TextOf(GetProperty(root, "output")) ?? errorText;
                var status = GetString(root, "status") switch
                {
                    "success" => ToolCallStatus.Succeeded,
                    _ when errorText is not null && (Contains(errorText, "denied") || Contains(errorText, "approval") || Contains(errorText, "not allowed")) => ToolCallStatus.Denied,
                    _ => ToolCallStatus.Failed,
                };
                events.Add(ToolCompleted(toolId, toolId is not null && _toolNames.TryGetValue(toolId, out var toolName) ? toolName : null, output, status));
                break;
            case "error":
                var message = GetString(root, "message") ?? "gemini reported an error";
                events.Add(GetString(root, "severity") is "warning" or "info"
                    ? Warning(message)
                    : Error(message, "cli_error", fatal: false));
                break;
            case "result":
                ParseResult(root, events);
                break;
        }
    }

    protected override Verdict Judge(AgentProcessEnd end)
    {
        var errorText = _resultErrorMessage ?? _resultErrorType;
        switch (end.ExitCode)
        {
            case 41:
                return new Verdict(AgentOutcome.AuthRequired, errorText ?? "gemini exited with code 41 (authentication is not configured)", "auth_required");
            case 53:
                return new Verdict(AgentOutcome.MaxTurns, errorText ?? "gemini exited with code 53 (turn limit reached)", "max_turns");
            case 55:
                return new Verdict(AgentOutcome.NeedsInput, "gemini exited with code 55: the folder is not trusted (pass --skip-trust or set GEMINI_CLI_TRUST_WORKSPACE=true)", "needs_input");
            case 145 or 147:
                return new Verdict(AgentOutcome.AuthRequired, Shorten(errorText ?? $"gemini exited with code {end.ExitCode} (HTTP {end.ExitCode + 256} from the model API)"), "auth_required");
        }

        if (_resultStatus == "error")
        {
            if (_resultErrorType == "FatalTurnLimitedError")
            {
                return new Verdict(AgentOutcome.MaxTurns, errorText, "max_turns");
            }

            return IsAuthText(errorText)
                ? new Verdict(AgentOutcome.AuthRequired, Shorten(errorText!), "auth_required")
                : new Verdict(AgentOutcome.ApiError, Shorten(errorText ?? "gemini reported an error result"), "api_error");
        }

        if (end.ExitCode is >= 144 and <= 255)
        {
            // HTTP 4xx/5xx modulo 256 (400 -> 144, 429 -> 173, 500 -> 244, 503 -> 247).
            return new Verdict(AgentOutcome.ApiError, $"gemini exited with code {end.ExitCode} (an HTTP error from the model API)", "api_error");
        }

        if (!HasResult)
        {
            return MissingResult(end);
        }

        if (end.ExitCode is not 0)
        {
            return NonZeroExit(end);
        }

        if (DeniedToolCalls.Count > 0)
        {
            return new Verdict(AgentOutcome.PermissionDenied, $"approval refused for {DeniedToolCalls.Count} tool call(s): {string.Join(", ", DeniedToolCalls)}", "permission_denied");
        }

        return new Verdict(AgentOutcome.Succeeded, "success");
    }

    private void ParseResult(JsonElement root, List<AgentEvent> events)
    {
        MarkResult();
        _inAssistantMessage = false;
        _resultStatus = GetString(root, "status");
        if (GetProperty(root, "error") is { } error)
        {
            _resultErrorType = GetString(error, "type");
            _resultErrorMessage = GetString(error, "message");
        }

        if (GetProperty(root, "stats") is not { } stats)
        {
            return;
        }

        var usage = new AgentUsage
        {
            InputTokens = GetInt64(stats, "input_tokens"),
            OutputTokens = GetInt64(stats, "output_tokens"),
            CachedInputTokens = GetInt64(stats, "cached"),
        };
        events.Add(Usage(With(usage, EstimateCost(stats, usage), estimated: true)));
    }

    private decimal? EstimateCost(JsonElement stats, AgentUsage total)
    {
        if (GetProperty(stats, "models") is not { ValueKind: JsonValueKind.Object } models)
        {
            return Context.PriceTable.Estimate(Context.RequestedModel ?? _model, total);
        }

        decimal? cost = null;
        foreach (var model in models.EnumerateObject())
        {
            var modelUsage = new AgentUsage
            {
                InputTokens = GetInt64(model.Value, "input_tokens"),
                OutputTokens = GetInt64(model.Value, "output_tokens"),
                CachedInputTokens = GetInt64(model.Value, "cached"),
            };
            if (Context.PriceTable.Estimate(model.Name, modelUsage) is { } modelCost)
            {
                cost = (cost ?? 0) + modelCost;
            }
        }

        return cost;
    }
}

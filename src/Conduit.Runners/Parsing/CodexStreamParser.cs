using System.Text.Json;

namespace Conduit.Runners.Parsing;

/// <summary>
/// Parses <c>codex exec --json</c>: <c>thread.started</c>, <c>turn.started</c>, <c>item.started</c> /
/// <c>item.updated</c> / <c>item.completed</c>, <c>turn.completed</c>, <c>turn.failed</c> and <c>error</c>.
/// </summary>
/// <remarks>
/// <para>
/// Usage on <c>turn.completed</c> is cumulative over the thread. Per-run usage is the difference to the previous
/// cumulative figure: the previous <c>turn.completed</c> of this run, else the figure the
/// <see cref="CodexThreadUsageLedger"/> remembers for the thread from an earlier run in this process. A fresh
/// thread starts from zero. A resumed thread whose earlier figure this process never saw gets no usage event
/// (a warning says so) rather than the thread's total, which would count earlier runs twice.
/// </para>
/// <para>Codex reports no cost: it is estimated from the requested model with the price table.</para>
/// </remarks>
internal sealed class CodexStreamParser : AgentStreamParser
{
    private readonly HashSet<string> _startedItems = new(StringComparer.Ordinal);
    private AgentUsage? _lastCumulative;
    private bool _turnCompleted;
    private string? _turnFailure;

    public CodexStreamParser(AgentStreamParserContext context)
        : base(AgentProviders.Codex, context)
    {
    }

    protected override void Parse(JsonElement root, string? type, List<AgentEvent> events)
    {
        switch (type)
        {
            case "thread.started":
                SessionId = GetString(root, "thread_id") ?? SessionId;
                if (SessionId is not null)
                {
                    events.Add(Session(SessionId, model: null, workingDirectory: null, cliVersion: null));
                }

                break;
            case "item.started" or "item.updated" or "item.completed" when GetProperty(root, "item") is { } item:
                ParseItem(type, item, events);
                break;
            case "turn.completed":
                MarkResult();
                _turnCompleted = true;
                if (GetProperty(root, "usage") is { } usage)
                {
                    AddUsage(usage, events);
                }

                break;
            case "turn.failed":
                MarkResult();
                _turnFailure = GetProperty(root, "error") is { } error ? GetString(error, "message") ?? error.GetRawText() : "turn failed";
                events.Add(Error(_turnFailure, IsAuthText(_turnFailure) ? "auth_required" : "api_error", fatal: true));
                break;
            case "error":
                events.Add(Error(GetString(root, "message") ?? "codex reported an error", "cli_error", fatal: false));
                break;
        }
    }

    protected override Verdict Judge(AgentProcessEnd end)
    {
        if (_turnFailure is not null)
        {
            return IsAuthText(_turnFailure)
                ? new Verdict(AgentOutcome.AuthRequired, Shorten(_turnFailure), "auth_required")
                : new Verdict(AgentOutcome.ApiError, Shorten(_turnFailure), "api_error");
        }

        if (!_turnCompleted)
        {
            return MissingResult(end, "turn.completed");
        }

        if (end.ExitCode is not 0)
        {
            return NonZeroExit(end);
        }

        if (DeniedToolCalls.Count > 0)
        {
            return new Verdict(AgentOutcome.PermissionDenied, $"permission denied by the sandbox for {DeniedToolCalls.Count} tool call(s): {string.Join(", ", DeniedToolCalls)}", "permission_denied");
        }

        return new Verdict(AgentOutcome.Succeeded, "turn.completed");
    }

    private void ParseItem(string type, JsonElement item, List<AgentEvent> events)
    {
        var id = GetString(item, "id");
        var itemType = GetString(item, "type");
        switch (itemType)
        {
            case "agent_message" when type == "item.completed":
                var text = GetString(item, "text") ?? "";
                FinalText = text;
                events.Add(Text(text, delta: false));
                break;
            case "error" when type == "item.completed":
                events.Add(Warning(GetString(item, "message") ?? "codex reported a non-fatal error"));
                break;
            case "command_execution" or "file_change" or "mcp_tool_call" or "web_search":
                var name = ToolName(itemType, item);
                if (type == "item.started" || (type == "item.completed" && (id is null || !_startedItems.Contains(id))))
                {
                    if (id is not null)
                    {
                        _startedItems.Add(id);
                    }

                    events.Add(ToolStarted(id, name, item));
                }

                if (type == "item.completed")
                {
                    var output = GetString(item, "aggregated_output") ?? TextOf(GetProperty(item, "result")) ?? TextOf(GetProperty(item, "error"));
                    events.Add(ToolCompleted(id, name, output, StatusOf(item, output)));
                }

                break;
        }
    }

    private static string ToolName(string itemType, JsonElement item) => itemType switch
    {
        "mcp_tool_call" when GetString(item, "tool") is { } tool => GetString(item, "server") is { } server ? $"{server}.{tool}" : tool,
        _ => itemType,
    };

    private static ToolCallStatus StatusOf(JsonElement item, string? output)
    {
        var status = GetString(item, "status");
        if (status is "declined" or "rejected" or "denied")
        {
            return ToolCallStatus.Denied;
        }

        if (status is "failed")
        {
            return output is not null && (Contains(output, "Read-only file system") || Contains(output, "sandbox denied") || Contains(output, "rejected by user"))
                ? ToolCallStatus.Denied
                : ToolCallStatus.Failed;
        }

        return ToolCallStatus.Succeeded;
    }

    private void AddUsage(JsonElement usage, List<AgentEvent> events)
    {
        var cumulative = new AgentUsage
        {
            InputTokens = GetInt64(usage, "input_tokens"),
            CachedInputTokens = GetInt64(usage, "cached_input_tokens"),
            CacheWriteTokens = GetInt64(usage, "cache_write_input_tokens"),
            OutputTokens = GetInt64(usage, "output_tokens"),
            ReasoningTokens = GetInt64(usage, "reasoning_output_tokens"),
        };
        var ledger = Context.CodexUsageLedger;
        AgentUsage? baseline = _lastCumulative;
        if (baseline is null && SessionId is not null && ledger is not null && ledger.TryGet(SessionId, out var remembered))
        {
            baseline = remembered;
        }

        var resumed = Context.ResumeSessionId is not null;
        _lastCumulative = cumulative;
        if (SessionId is not null)
        {
            ledger?.Record(SessionId, cumulative);
        }

        if (baseline is null && resumed)
        {
            events.Add(Warning(
                $"codex reports usage cumulatively over thread {SessionId} ({cumulative.InputTokens} input, {cumulative.OutputTokens} output tokens so far); "
                + "the thread's usage before this run is unknown to this process, so no per-run usage is reported"));
            return;
        }

        baseline ??= AgentUsage.Empty;
        var run = new AgentUsage
        {
            InputTokens = Math.Max(0, cumulative.InputTokens - baseline.InputTokens),
            CachedInputTokens = Math.Max(0, cumulative.CachedInputTokens - baseline.CachedInputTokens),
            CacheWriteTokens = Math.Max(0, cumulative.CacheWriteTokens - baseline.CacheWriteTokens),
            OutputTokens = Math.Max(0, cumulative.OutputTokens - baseline.OutputTokens),
            ReasoningTokens = Math.Max(0, cumulative.ReasoningTokens - baseline.ReasoningTokens),
        };
        events.Add(Usage(WithEstimatedCost(run, Context.RequestedModel)));
    }
}

using System.Text;
using System.Text.Json;
using Conduit.Runners.Processes;

namespace Conduit.Runners.Parsing;

/// <summary>
/// The shared half of the four stream parsers: line handling (blank, malformed, non-object lines), event stamping,
/// stderr classification, the outcome rules every CLI shares, and the completed event.
/// </summary>
/// <remarks>
/// Every stdout line that is not blank yields at least one event: a line the provider parser does not map
/// becomes a <see cref="RawEvent"/>, so nothing is dropped.
/// </remarks>
internal abstract class AgentStreamParser : IAgentStreamParser
{
    private const int MaxReasonLength = 500;

    private string? _currentRaw;
    private int? _currentLine;
    private string? _resultRaw;
    private int? _resultLine;
    private bool _standardErrorSaysAuth;
    private string? _standardErrorNeedsInput;
    private string? _lastStandardErrorLine;

    protected AgentStreamParser(string provider, AgentStreamParserContext context)
    {
        Provider = provider;
        Context = context;
    }

    /// <inheritdoc />
    public AgentOutcome? StopOutcome { get; private set; }

    /// <summary>Why <see cref="StopOutcome"/> was set.</summary>
    public string? StopReason { get; private set; }

    protected string Provider { get; }

    protected AgentStreamParserContext Context { get; }

    /// <summary>The session id, once seen.</summary>
    protected string? SessionId { get; set; }

    /// <summary>The final text so far.</summary>
    protected string? FinalText { get; set; }

    /// <summary>Whether the stream's terminal line (result, turn end) was seen.</summary>
    protected bool HasResult { get; private set; }

    /// <summary>Whether a fatal error event was already emitted (so completion does not repeat it).</summary>
    protected bool FatalErrorReported { get; set; }

    /// <summary>Tool calls the CLI's permission rules refused.</summary>
    protected List<string> DeniedToolCalls { get; } = [];

    /// <summary>Whether stderr looked like a refused key or a missing login.</summary>
    protected bool StandardErrorSaysAuth => _standardErrorSaysAuth;

    public IEnumerable<AgentEvent> ParseLine(string line, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (string.IsNullOrWhiteSpace(line))
        {
            return [];
        }

        _currentRaw = line;
        _currentLine = lineNumber;
        var events = new List<AgentEvent>(2);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException exception)
        {
            events.Add(Error($"{Provider} printed a line that is not JSON (stdout line {lineNumber}): {exception.Message}", "malformed_line", fatal: false));
            return events;
        }

        using (document)
        {
            var root = document.RootElement;
            string? type = null;
            if (root.ValueKind == JsonValueKind.Object)
            {
                type = GetString(root, "type");
                Parse(root, type, events);
            }

            if (events.Count == 0)
            {
                events.Add(Raw(type));
            }
        }

        return events;
    }

    public void ObserveStandardError(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        _lastStandardErrorLine = line.Trim();
        if (Contains(line, "not logged in") || Contains(line, "please run /login") || Contains(line, "please log in")
            || Contains(line, "codex login") || Contains(line, "please set an auth method"))
        {
            _standardErrorSaysAuth = true;
            RequestStop(AgentOutcome.AuthRequired, $"{Provider} is not logged in: {Shorten(line.Trim())}");
        }
        else if (Contains(line, "invalid api key") || Contains(line, "invalid x-api-key") || Contains(line, "authentication_error")
            || Contains(line, "401 unauthorized") || Contains(line, "api key not valid"))
        {
            _standardErrorSaysAuth = true;
        }
        else if (Contains(line, "not running in a trusted directory") || Contains(line, "do you trust")
            || Contains(line, "[y/n]") || Contains(line, "(y/n)") || Contains(line, "press enter to continue"))
        {
            _standardErrorNeedsInput = line.Trim();
            RequestStop(AgentOutcome.NeedsInput, $"{Provider} asked an interactive question: {Shorten(line.Trim())}");
        }
    }

    public IEnumerable<AgentEvent> Complete(AgentProcessEnd end)
    {
        ArgumentNullException.ThrowIfNull(end);
        _currentRaw = null;
        _currentLine = null;
        var stopBefore = StopOutcome;
        foreach (var line in end.StandardErrorTail.Split('\n'))
        {
            ObserveStandardError(line);
        }

        // Lines in the tail may set a stop outcome; only a stop requested while the process ran overrides its own verdict.
        var verdict = end.Termination switch
        {
            _ when stopBefore is { } stop => new Verdict(stop, StopReason, CodeFor(stop)),
            ChildProcessTermination.TimedOut or ChildProcessTermination.IdleTimedOut =>
                new Verdict(AgentOutcome.TimedOut, end.TerminationReason ?? "timed out", "timed_out"),
            ChildProcessTermination.Cancelled => new Verdict(AgentOutcome.Cancelled, end.TerminationReason ?? "cancelled", "cancelled"),
            _ => Refine(Judge(end), end),
        };

        var events = new List<AgentEvent>(2);
        if (verdict.Outcome is AgentOutcome.Failed or AgentOutcome.ApiError or AgentOutcome.AuthRequired or AgentOutcome.NeedsInput
            && !FatalErrorReported)
        {
            events.Add(Error(verdict.Reason ?? verdict.Outcome.ToString(), verdict.ErrorCode ?? CodeFor(verdict.Outcome), fatal: true));
        }

        events.Add(new CompletedEvent
        {
            Outcome = verdict.Outcome,
            FinalText = FinalText,
            Reason = verdict.Reason,
            ExitCode = end.ExitCode,
            Duration = end.Duration,
            SessionId = SessionId,
            Timestamp = Now,
            Provider = Provider,
            LineNumber = _resultLine,
            RawRepresentation = _resultRaw,
        });
        return events;
    }

    /// <summary>Maps one JSON object line; adds nothing for lines that should pass through as raw events.</summary>
    protected abstract void Parse(JsonElement root, string? type, List<AgentEvent> events);

    /// <summary>The provider's verdict for a process that exited by itself.</summary>
    protected abstract Verdict Judge(AgentProcessEnd end);

    /// <summary>Marks the current line as the stream's terminal line.</summary>
    protected void MarkResult()
    {
        HasResult = true;
        _resultRaw = _currentRaw;
        _resultLine = _currentLine;
    }

    /// <summary>Asks the runner to stop the process now and end with <paramref name="outcome"/>.</summary>
    protected void RequestStop(AgentOutcome outcome, string reason)
    {
        if (StopOutcome is null)
        {
            StopOutcome = outcome;
            StopReason = reason;
        }
    }

    /// <summary>The verdict for a stream that ended without its terminal line.</summary>
    protected Verdict MissingResult(AgentProcessEnd end, string what = "a result line") =>
        new(AgentOutcome.Failed, $"{Provider} {ExitText(end)} without {what}{StandardErrorSuffix()}", "missing_result");

    /// <summary>The verdict for a non-zero exit after a result.</summary>
    protected Verdict NonZeroExit(AgentProcessEnd end) =>
        new(AgentOutcome.Failed, $"{Provider} {ExitText(end)}{StandardErrorSuffix()}", "process_failed");

    protected static bool IsAuthText(string? text) =>
        text is not null && (Contains(text, "not logged in") || Contains(text, "invalid api key") || Contains(text, "invalid x-api-key")
            || Contains(text, "authentication_error") || Contains(text, "authentication_failed") || Contains(text, "401 unauthorized")
            || Contains(text, "status 401") || Contains(text, "api key not valid") || Contains(text, "/login"));

    protected static bool Contains(string text, string value) => text.Contains(value, StringComparison.OrdinalIgnoreCase);

    protected static string Shorten(string text) => text.Length <= MaxReasonLength ? text : string.Concat(text.AsSpan(0, MaxReasonLength), "…");

    protected DateTimeOffset Now => Context.TimeProvider.GetUtcNow();

    protected AgentUsage WithEstimatedCost(AgentUsage usage, string? model)
    {
        var cost = Context.PriceTable.Estimate(model, usage);
        return cost is null ? usage : With(usage, cost, estimated: true);
    }

    protected static AgentUsage With(AgentUsage usage, decimal? cost, bool estimated) => new()
    {
        InputTokens = usage.InputTokens,
        OutputTokens = usage.OutputTokens,
        CachedInputTokens = usage.CachedInputTokens,
        CacheWriteTokens = usage.CacheWriteTokens,
        ReasoningTokens = usage.ReasoningTokens,
        CostUsd = cost,
        IsCostEstimated = cost is not null && estimated,
    };

    // Event factories: each stamps the current line.
    protected SessionStartedEvent Session(string sessionId, string? model, string? workingDirectory, string? cliVersion) => new()
    {
        SessionId = sessionId,
        Model = model,
        WorkingDirectory = workingDirectory,
        CliVersion = cliVersion ?? Context.CliVersion,
        Timestamp = Now,
        Provider = Provider,
        LineNumber = _currentLine,
        RawRepresentation = _currentRaw,
    };

    protected TextEvent Text(string text, bool delta) => new()
    {
        Text = text, IsDelta = delta, Timestamp = Now, Provider = Provider, LineNumber = _currentLine, RawRepresentation = _currentRaw,
    };

    protected ToolCallStartedEvent ToolStarted(string? callId, string name, JsonElement? input) => new()
    {
        CallId = callId,
        Name = name,
        Input = input?.Clone(),
        Timestamp = Now,
        Provider = Provider,
        LineNumber = _currentLine,
        RawRepresentation = _currentRaw,
    };

    protected ToolCallCompletedEvent ToolCompleted(string? callId, string? name, string? output, ToolCallStatus status)
    {
        if (status == ToolCallStatus.Denied)
        {
            DeniedToolCalls.Add(name ?? callId ?? "tool");
        }

        return new()
        {
            CallId = callId,
            Name = name,
            Output = output,
            Status = status,
            Timestamp = Now,
            Provider = Provider,
            LineNumber = _currentLine,
            RawRepresentation = _currentRaw,
        };
    }

    protected UsageEvent Usage(AgentUsage usage) => new()
    {
        Usage = usage, Timestamp = Now, Provider = Provider, LineNumber = _currentLine, RawRepresentation = _currentRaw,
    };

    protected WarningEvent Warning(string message) => new()
    {
        Message = message, Timestamp = Now, Provider = Provider, LineNumber = _currentLine, RawRepresentation = _currentRaw,
    };

    protected ErrorEvent Error(string message, string code, bool fatal)
    {
        FatalErrorReported |= fatal;
        return new()
        {
            Message = message,
            Code = code,
            IsFatal = fatal,
            Timestamp = Now,
            Provider = Provider,
            LineNumber = _currentLine,
            RawRepresentation = _currentRaw,
        };
    }

    protected RawEvent Raw(string? eventType) => new()
    {
        EventType = eventType, Timestamp = Now, Provider = Provider, LineNumber = _currentLine, RawRepresentation = _currentRaw,
    };

    // JSON helpers.
    protected static string? GetString(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    protected static long GetInt64(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt64(out var number)
            ? number
            : 0;

    protected static int? GetInt32OrNull(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetInt32(out var number)
            ? number
            : null;

    protected static decimal? GetDecimalOrNull(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            && value.TryGetDecimal(out var number)
            ? number
            : null;

    protected static bool GetBoolean(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    protected static JsonElement? GetProperty(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>Text of a value that is a string, or an array of <c>{type:text,text}</c> blocks, or other JSON.</summary>
    protected static string? TextOf(JsonElement? element)
    {
        if (element is not { } value)
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Array:
                var builder = new StringBuilder();
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String)
                    {
                        builder.Append(item.GetString());
                    }
                    else if (GetString(item, "text") is { } text)
                    {
                        builder.Append(text);
                    }
                }

                return builder.ToString();
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            default:
                return value.GetRawText();
        }
    }

    private Verdict Refine(Verdict verdict, AgentProcessEnd end)
    {
        // The CLI's own words on stderr sharpen a generic failure.
        if (verdict.Outcome is AgentOutcome.Failed or AgentOutcome.ApiError && _standardErrorSaysAuth)
        {
            return new Verdict(AgentOutcome.AuthRequired, verdict.Reason, "auth_required");
        }

        if (verdict.Outcome == AgentOutcome.Failed && _standardErrorNeedsInput is not null)
        {
            return new Verdict(AgentOutcome.NeedsInput, $"{Provider} asked an interactive question: {Shorten(_standardErrorNeedsInput)}", "needs_input");
        }

        _ = end;
        return verdict;
    }

    private static string ExitText(AgentProcessEnd end) => end.ExitCode switch
    {
        null => "ended",
        0 => "exited with code 0",
        var code => $"exited with code {code}",
    };

    private string StandardErrorSuffix() => _lastStandardErrorLine is null ? "" : $": {Shorten(_lastStandardErrorLine)}";

    private static string CodeFor(AgentOutcome outcome) => outcome switch
    {
        AgentOutcome.ApiError => "api_error",
        AgentOutcome.AuthRequired => "auth_required",
        AgentOutcome.NeedsInput => "needs_input",
        AgentOutcome.MaxTurns => "max_turns",
        AgentOutcome.PermissionDenied => "permission_denied",
        AgentOutcome.TimedOut => "timed_out",
        AgentOutcome.Cancelled => "cancelled",
        _ => "failed",
    };

    /// <summary>A provider's reading of how the run ended.</summary>
    protected readonly record struct Verdict(AgentOutcome Outcome, string? Reason, string? ErrorCode = null);
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>The agent started or resumed a session.</summary>
public sealed class SessionStartedEvent : AgentEvent
{
    /// <summary>The provider's session (thread) id; pass it back as <see cref="AgentRequest.ResumeSessionId"/> to resume.</summary>
    [JsonPropertyName("session_id")]
    public required string SessionId { get; init; }

    /// <summary>The model the CLI reports, when it reports one.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>The working directory the CLI reports.</summary>
    [JsonPropertyName("cwd")]
    public string? WorkingDirectory { get; init; }

    /// <summary>The CLI's version, as reported in its stream or found by running it with <c>--version</c>.</summary>
    [JsonPropertyName("cli_version")]
    public string? CliVersion { get; init; }
}

/// <summary>Text from the agent: a chunk of a message (<see cref="IsDelta"/>) or a whole message.</summary>
public sealed class TextEvent : AgentEvent
{
    /// <summary>The text.</summary>
    [JsonPropertyName("text")]
    public required string Text { get; init; }

    /// <summary>Whether this is a chunk that continues the previous text event rather than a whole message.</summary>
    [JsonPropertyName("delta")]
    public bool IsDelta { get; init; }
}

/// <summary>The agent started a tool call.</summary>
public sealed class ToolCallStartedEvent : AgentEvent
{
    /// <summary>The provider's id of the call, which the completion repeats.</summary>
    [JsonPropertyName("call_id")]
    public string? CallId { get; init; }

    /// <summary>The tool's name as the CLI reports it (<c>Write</c>, <c>exec_command</c>, <c>write_file</c>, ...).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The tool's input as JSON, when reported.</summary>
    [JsonPropertyName("input")]
    public JsonElement? Input { get; init; }
}

/// <summary>A tool call finished.</summary>
public sealed class ToolCallCompletedEvent : AgentEvent
{
    /// <summary>The provider's id of the call.</summary>
    [JsonPropertyName("call_id")]
    public string? CallId { get; init; }

    /// <summary>The tool's name, when the CLI repeats it on completion.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The tool's output as text, when reported.</summary>
    [JsonPropertyName("output")]
    public string? Output { get; init; }

    /// <summary>How the call ended.</summary>
    [JsonPropertyName("status")]
    public ToolCallStatus Status { get; init; }
}

/// <summary>How a tool call ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ToolCallStatus>))]
public enum ToolCallStatus
{
    /// <summary>The tool ran and succeeded.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>The tool ran and failed.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The CLI's permission rules refused the call.</summary>
    [JsonStringEnumMemberName("denied")]
    Denied,
}

/// <summary>Token usage and cost for the run (or, for resumed sessions, for this run only).</summary>
public sealed class UsageEvent : AgentEvent
{
    /// <summary>The usage.</summary>
    [JsonPropertyName("usage")]
    public required AgentUsage Usage { get; init; }
}

/// <summary>Something worth knowing that did not stop the run (a retry, a non-fatal CLI error item).</summary>
public sealed class WarningEvent : AgentEvent
{
    /// <summary>What happened.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }
}

/// <summary>An error: from the model API, the CLI, or a line Conduit could not parse.</summary>
public sealed class ErrorEvent : AgentEvent
{
    /// <summary>What went wrong.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>A short machine-readable kind (<c>api_error</c>, <c>auth_required</c>, <c>malformed_line</c>, ...).</summary>
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    /// <summary>Whether the error ends the run.</summary>
    [JsonPropertyName("fatal")]
    public bool IsFatal { get; init; }
}

/// <summary>The last event of every run: how it ended.</summary>
public sealed class CompletedEvent : AgentEvent
{
    /// <summary>How the run ended.</summary>
    [JsonPropertyName("outcome")]
    public required AgentOutcome Outcome { get; init; }

    /// <summary>The final text of the agent, when it produced one.</summary>
    [JsonPropertyName("final_text")]
    public string? FinalText { get; init; }

    /// <summary>A human-readable reason (<c>end_turn</c>, <c>error_max_turns</c>, <c>idle timeout of 00:05:00 elapsed</c>, ...).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>The CLI's exit code; <see langword="null"/> when it never started or was killed.</summary>
    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; init; }

    /// <summary>Wall time from start to end.</summary>
    [JsonPropertyName("duration")]
    public TimeSpan Duration { get; init; }

    /// <summary>The session id, when one was seen.</summary>
    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }
}

/// <summary>An event Conduit does not map (yet): passed through, never dropped.</summary>
public sealed class RawEvent : AgentEvent
{
    /// <summary>The provider's event type (for example <c>system/status</c>), when there is one.</summary>
    [JsonPropertyName("event_type")]
    public string? EventType { get; init; }
}

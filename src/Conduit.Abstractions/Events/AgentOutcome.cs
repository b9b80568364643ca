using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>How an agent run ended. Expected endings are data, not exceptions.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentOutcome>))]
public enum AgentOutcome
{
    /// <summary>The agent finished its turn and reported success.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>The CLI failed: non-zero exit, an error result, or a stream that ended without a result.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The model API answered with an error (HTTP 4xx/5xx, overload).</summary>
    [JsonStringEnumMemberName("api_error")]
    ApiError,

    /// <summary>The CLI is not logged in or its key was refused.</summary>
    [JsonStringEnumMemberName("auth_required")]
    AuthRequired,

    /// <summary>The CLI asked an interactive question (trust, approval) that a headless run cannot answer.</summary>
    [JsonStringEnumMemberName("needs_input")]
    NeedsInput,

    /// <summary>The turn limit was reached.</summary>
    [JsonStringEnumMemberName("max_turns")]
    MaxTurns,

    /// <summary>The agent finished, but the CLI's permission rules refused one or more of its tool calls.</summary>
    [JsonStringEnumMemberName("permission_denied")]
    PermissionDenied,

    /// <summary>The total or idle timeout elapsed; the process tree was killed.</summary>
    [JsonStringEnumMemberName("timed_out")]
    TimedOut,

    /// <summary>The caller cancelled; the process tree was killed.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>The CLI could not be started (not installed, not executable).</summary>
    [JsonStringEnumMemberName("launch_failed")]
    LaunchFailed,
}

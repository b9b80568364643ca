using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>
/// One normalized event from an agent run. The hierarchy is closed: every event is one of the sealed
/// types in this namespace, and events of a kind Conduit does not understand arrive as <see cref="RawEvent"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SessionStartedEvent), "session_started")]
[JsonDerivedType(typeof(TextEvent), "text")]
[JsonDerivedType(typeof(ToolCallStartedEvent), "tool_call_started")]
[JsonDerivedType(typeof(ToolCallCompletedEvent), "tool_call_completed")]
[JsonDerivedType(typeof(UsageEvent), "usage")]
[JsonDerivedType(typeof(WarningEvent), "warning")]
[JsonDerivedType(typeof(ErrorEvent), "error")]
[JsonDerivedType(typeof(CompletedEvent), "completed")]
[JsonDerivedType(typeof(RawEvent), "raw")]
public abstract class AgentEvent
{
    private protected AgentEvent()
    {
    }

    /// <summary>When Conduit observed the event.</summary>
    [JsonPropertyName("timestamp")]
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>The provider that produced the event (<c>claude</c>, <c>codex</c>, ...).</summary>
    [JsonPropertyName("provider")]
    public string? Provider { get; init; }

    /// <summary>The 1-based line of the agent's stdout this event came from; <see langword="null"/> for synthesized events.</summary>
    [JsonPropertyName("line")]
    public int? LineNumber { get; init; }

    /// <summary>The raw line (normally one JSON object) the event was parsed from.</summary>
    [JsonPropertyName("raw")]
    [JsonConverter(typeof(RawJsonConverter))]
    public string? RawRepresentation { get; init; }
}

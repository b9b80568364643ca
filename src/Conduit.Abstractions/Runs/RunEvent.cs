using System.Text.Json;
using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>One entry of a run's append-only event log.</summary>
public sealed class RunEvent
{
    /// <summary>1-based, gap-free sequence number within the run; the SSE event id.</summary>
    [JsonPropertyName("seq")]
    public required long Sequence { get; init; }

    /// <summary>The run.</summary>
    [JsonPropertyName("run_id")]
    public required string RunId { get; init; }

    /// <summary>
    /// The kind: <c>run.status</c>, <c>attempt.started</c>, <c>attempt.finished</c>, <c>agent.event</c>,
    /// <c>hook.finished</c>, <c>check.finished</c>, <c>log</c>.
    /// </summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>When it happened.</summary>
    [JsonPropertyName("timestamp")]
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The attempt it belongs to, if any.</summary>
    [JsonPropertyName("attempt_index")]
    public int? AttemptIndex { get; init; }

    /// <summary>The event's data (for <c>agent.event</c>, the serialized <see cref="AgentEvent"/>).</summary>
    [JsonPropertyName("data")]
    public JsonElement Data { get; init; }
}

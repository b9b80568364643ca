using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Conduit.Server.Runs;

// The runs lane's JSON shapes: snake_case, as the original Conduit.

/// <summary>The body of <c>POST /runs</c>. Documented for OpenAPI; parsed strictly by hand.</summary>
internal sealed class RunCreateBody
{
    [JsonPropertyName("project_id")] public required string ProjectId { get; init; }

    [JsonPropertyName("policy_id")] public required string PolicyId { get; init; }

    [JsonPropertyName("input")] public JsonObject? Input { get; init; }

    [JsonPropertyName("requested_runner")] public RunRunnerBody? RequestedRunner { get; init; }

    [JsonPropertyName("timeout_seconds")] public int? TimeoutSeconds { get; init; }

    [JsonPropertyName("max_attempts")] public int? MaxAttempts { get; init; }

    [JsonPropertyName("external_ref")] public string? ExternalRef { get; init; }

    [JsonPropertyName("metadata")] public JsonObject? Metadata { get; init; }
}

internal sealed class RunRunnerBody
{
    [JsonPropertyName("provider")] public required string Provider { get; init; }

    [JsonPropertyName("model")] public string? Model { get; init; }
}

/// <summary>The answer of <c>POST /runs</c> (202).</summary>
internal sealed class RunCreatedResponse
{
    [JsonPropertyName("run_id")] public required string RunId { get; init; }

    [JsonPropertyName("status")] public required RunStatus Status { get; init; }

    [JsonPropertyName("project_id")] public required string ProjectId { get; init; }

    [JsonPropertyName("policy_id")] public required string PolicyId { get; init; }

    /// <summary>Ours: where to GET the run.</summary>
    [JsonPropertyName("url")] public required string Url { get; init; }

    /// <summary>Ours: where to follow its events (SSE).</summary>
    [JsonPropertyName("events_url")] public required string EventsUrl { get; init; }
}

/// <summary>The answer of <c>GET /runs</c>.</summary>
internal sealed class RunListResponse
{
    [JsonPropertyName("runs")] public required IReadOnlyList<RunRecord> Runs { get; init; }

    [JsonPropertyName("next_cursor")] public string? NextCursor { get; init; }
}

/// <summary>The answer of <c>POST /runs/{id}/cancel</c>.</summary>
internal sealed class RunCancelResponse
{
    [JsonPropertyName("run_id")] public required string RunId { get; init; }

    [JsonPropertyName("canceled")] public required bool Canceled { get; init; }
}

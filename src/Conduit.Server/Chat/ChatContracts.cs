using System.Text.Json.Serialization;

namespace Conduit.Server.Chat;

// The chat lane's JSON shapes. Names are the original Conduit's (camelCase); ours sit beside them.

/// <summary>The body of <c>POST /chat</c> (snake_case, as the original). Documented for OpenAPI; parsed strictly by hand.</summary>
internal sealed class ChatRequestBody
{
    [JsonPropertyName("project_id")] public required string ProjectId { get; init; }

    [JsonPropertyName("prompt")] public required string Prompt { get; init; }

    [JsonPropertyName("runner")] public ChatRunnerBody? Runner { get; init; }

    /// <summary>A provider session id to resume; it also becomes the thread id.</summary>
    [JsonPropertyName("resume")] public string? Resume { get; init; }

    [JsonPropertyName("external_ref")] public string? ExternalRef { get; init; }

    /// <summary>Only when <c>requestControls.args</c> is <c>read_write</c>: replaces the runner's configured args.</summary>
    [JsonPropertyName("args")] public IReadOnlyList<string>? Args { get; init; }

    /// <summary>Only when <c>requestControls.db</c> is <c>read_write</c>; accepted for compatibility, unused.</summary>
    [JsonPropertyName("db")] public string? Db { get; init; }

    /// <summary>Only when <c>requestControls.cwd</c> is <c>read_write</c>: an absolute directory replacing the project path.</summary>
    [JsonPropertyName("cwd")] public string? Cwd { get; init; }
}

internal sealed class ChatRunnerBody
{
    [JsonPropertyName("provider")] public required string Provider { get; init; }

    [JsonPropertyName("model")] public string? Model { get; init; }
}

/// <summary>The answer of <c>POST /chat</c> (and the SSE <c>result</c> event).</summary>
internal sealed class ChatResponse
{
    [JsonPropertyName("threadId")] public required string ThreadId { get; init; }

    [JsonPropertyName("queueItemId")] public required string QueueItemId { get; init; }

    [JsonPropertyName("finalMessage")] public required string? FinalMessage { get; init; }

    [JsonPropertyName("usage")] public required ChatUsage? Usage { get; init; }

    [JsonPropertyName("exit")] public required ChatExit Exit { get; init; }

    [JsonPropertyName("stdout")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Stdout { get; init; }

    [JsonPropertyName("stderr")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public IReadOnlyList<string>? Stderr { get; init; }

    /// <summary>Ours: the provider's session id (pass it as <c>resume</c>).</summary>
    [JsonPropertyName("sessionId")] public required string? SessionId { get; init; }

    /// <summary>Ours: how the run ended (<see cref="AgentOutcome"/> names).</summary>
    [JsonPropertyName("outcome")] public required string Outcome { get; init; }

    /// <summary>Ours: the final text (same as <c>finalMessage</c>).</summary>
    [JsonPropertyName("text")] public required string? Text { get; init; }

    [JsonPropertyName("reason")] public required string? Reason { get; init; }

    [JsonPropertyName("durationMs")] public required long DurationMs { get; init; }

    [JsonPropertyName("runner")] public required ChatRunnerBody Runner { get; init; }

    [JsonPropertyName("model")] public required string? Model { get; init; }
}

internal sealed class ChatUsage
{
    [JsonPropertyName("inputTokens")] public long InputTokens { get; init; }

    [JsonPropertyName("outputTokens")] public long OutputTokens { get; init; }

    [JsonPropertyName("cachedInputTokens")] public long CachedInputTokens { get; init; }

    [JsonPropertyName("cacheWriteTokens")] public long CacheWriteTokens { get; init; }

    [JsonPropertyName("totalTokens")] public long TotalTokens { get; init; }

    [JsonPropertyName("costUsd")] public decimal? CostUsd { get; init; }

    [JsonPropertyName("costEstimated")] public bool CostEstimated { get; init; }
}

internal sealed class ChatExit
{
    [JsonPropertyName("code")] public int? Code { get; init; }

    [JsonPropertyName("signal")] public string? Signal { get; init; }

    [JsonPropertyName("finalState")] public required string FinalState { get; init; }

    [JsonPropertyName("endedAt")] public DateTimeOffset? EndedAt { get; init; }
}

/// <summary>The answer of <c>GET /chat/threads/{id}</c>.</summary>
internal sealed class ChatThreadResponse
{
    [JsonPropertyName("threadId")] public required string ThreadId { get; init; }

    [JsonPropertyName("running")] public required bool Running { get; init; }

    [JsonPropertyName("thread")] public required ChatThreadView? Thread { get; init; }
}

internal sealed class ChatThreadView
{
    [JsonPropertyName("threadId")] public required string ThreadId { get; init; }

    [JsonPropertyName("queueItemId")] public required string QueueItemId { get; init; }

    [JsonPropertyName("state")] public required string State { get; init; }

    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("startedAt")] public DateTimeOffset? StartedAt { get; init; }

    [JsonPropertyName("endedAt")] public DateTimeOffset? EndedAt { get; init; }

    [JsonPropertyName("exitCode")] public int? ExitCode { get; init; }

    [JsonPropertyName("exitSignal")] public string? ExitSignal { get; init; }

    [JsonPropertyName("projectId")] public string? ProjectId { get; init; }

    [JsonPropertyName("runner")] public required ChatRunnerBody Runner { get; init; }

    [JsonPropertyName("sessionId")] public string? SessionId { get; init; }

    [JsonPropertyName("outcome")] public string? Outcome { get; init; }

    [JsonPropertyName("prompt")] [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Prompt { get; init; }
}

/// <summary>The answer of <c>POST /chat/threads/{id}/cancel</c>.</summary>
internal sealed class ChatCancelResponse
{
    [JsonPropertyName("threadId")] public required string ThreadId { get; init; }

    [JsonPropertyName("cancelled")] public required bool Cancelled { get; init; }
}

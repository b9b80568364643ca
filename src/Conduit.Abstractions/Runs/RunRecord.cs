using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>A run as stored. JSON names are the original Conduit's (snake_case), with ours beside them.</summary>
public sealed class RunRecord
{
    /// <summary>The run id, <c>run_&lt;uuid&gt;</c>.</summary>
    [JsonPropertyName("run_id")]
    public required string RunId { get; init; }

    /// <summary>The project.</summary>
    [JsonPropertyName("project_id")]
    public required string ProjectId { get; init; }

    /// <summary>The policy.</summary>
    [JsonPropertyName("policy_id")]
    public required string PolicyId { get; init; }

    /// <summary>The policy's task id.</summary>
    [JsonPropertyName("task_id")]
    public string? TaskId { get; init; }

    /// <summary>The status.</summary>
    [JsonPropertyName("status")]
    public required RunStatus Status { get; init; }

    /// <summary>The input.</summary>
    [JsonPropertyName("input")]
    public JsonObject? Input { get; init; }

    /// <summary>The base runner (the policy's, or the requested one).</summary>
    [JsonPropertyName("runner")]
    public RunnerRef? Runner { get; init; }

    /// <summary>The runner the caller asked for, if any.</summary>
    [JsonPropertyName("requested_runner")]
    public RunnerRef? RequestedRunner { get; init; }

    /// <summary>The caller's external reference.</summary>
    [JsonPropertyName("external_ref")]
    public string? ExternalRef { get; init; }

    /// <summary>The idempotency key the run was submitted with.</summary>
    [JsonPropertyName("idempotency_key")]
    public string? IdempotencyKey { get; init; }

    /// <summary>Caller metadata.</summary>
    [JsonPropertyName("metadata")]
    public JsonObject? Metadata { get; init; }

    /// <summary>When the run was accepted.</summary>
    [JsonPropertyName("created_at")]
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the run started executing.</summary>
    [JsonPropertyName("started_at")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the run ended.</summary>
    [JsonPropertyName("finished_at")]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The most attempts.</summary>
    [JsonPropertyName("max_attempts")]
    public int MaxAttempts { get; init; }

    /// <summary>The 1-based index of the current (or last) attempt; 0 before the first.</summary>
    [JsonPropertyName("current_attempt_index")]
    public int CurrentAttemptIndex { get; init; }

    /// <summary>When cancellation was requested.</summary>
    [JsonPropertyName("cancel_requested_at")]
    public DateTimeOffset? CancelRequestedAt { get; init; }

    /// <summary>Why the run did not succeed.</summary>
    [JsonPropertyName("failure_summary")]
    public string? FailureSummary { get; init; }

    /// <summary>Usage summed over attempts.</summary>
    [JsonPropertyName("usage")]
    public AgentUsage? Usage { get; init; }

    /// <summary>The project's path the run executed in.</summary>
    [JsonPropertyName("project_path")]
    public string? ProjectPath { get; init; }

    /// <summary>The original Conduit's <c>resolved_project</c>: the project as the run resolved it, once it started.</summary>
    [JsonPropertyName("resolved_project")]
    public ResolvedProjectRef? ResolvedProject { get; init; }

    /// <summary>The total timeout the run was submitted with (overrides the policy's), in seconds.</summary>
    [JsonPropertyName("timeout_seconds")]
    public double? TimeoutSeconds { get; init; }

    /// <summary>The directory the run executed in (the project, a worktree, or what an init hook chose).</summary>
    [JsonPropertyName("workspace_path")]
    public string? WorkspacePath { get; init; }

    /// <summary>The path of the run's <c>run.json</c>.</summary>
    [JsonPropertyName("run_record_path")]
    public string? RunRecordPath { get; init; }
}

/// <summary>A project as a run resolved it: <c>{project_id, path, baseline_ref}</c>.</summary>
public sealed class ResolvedProjectRef
{
    /// <summary>The project id.</summary>
    [JsonPropertyName("project_id")]
    public required string ProjectId { get; init; }

    /// <summary>The project's directory.</summary>
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    /// <summary>The project's git HEAD without <c>ref: </c> (e.g. <c>refs/heads/main</c>, or a commit when detached); <see langword="null"/> outside git.</summary>
    [JsonPropertyName("baseline_ref")]
    public string? BaselineRef { get; init; }
}

/// <summary>A runner as stored in records: <c>{provider, model}</c>.</summary>
public sealed class RunnerRef
{
    /// <summary>The provider.</summary>
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    /// <summary>The model, or <see langword="null"/>.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Creates a reference from a spec.</summary>
    public static RunnerRef From(RunnerSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new RunnerRef { Provider = spec.Provider, Model = spec.Model };
    }
}

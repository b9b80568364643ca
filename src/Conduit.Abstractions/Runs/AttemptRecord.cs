using System.Text.Json.Serialization;

namespace Conduit;

/// <summary>One attempt of a run.</summary>
public sealed class AttemptRecord
{
    /// <summary><c>&lt;run_id&gt;:attempt:&lt;n&gt;</c>.</summary>
    [JsonPropertyName("attempt_id")]
    public required string AttemptId { get; init; }

    /// <summary>The run.</summary>
    [JsonPropertyName("run_id")]
    public required string RunId { get; init; }

    /// <summary>1-based.</summary>
    [JsonPropertyName("attempt_index")]
    public required int AttemptIndex { get; init; }

    /// <summary>The attempt's status.</summary>
    [JsonPropertyName("status")]
    public required RunStatus Status { get; init; }

    /// <summary>The runner used for this attempt (escalation may change it).</summary>
    [JsonPropertyName("runner")]
    public required RunnerRef Runner { get; init; }

    /// <summary>The agent's session id.</summary>
    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    /// <summary>The agent run's outcome.</summary>
    [JsonPropertyName("agent_outcome")]
    public AgentOutcome? AgentOutcome { get; init; }

    /// <summary>Start time.</summary>
    [JsonPropertyName("started_at")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>End time.</summary>
    [JsonPropertyName("finished_at")]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Duration in milliseconds.</summary>
    [JsonPropertyName("duration_ms")]
    public long? DurationMs { get; init; }

    /// <summary>The directory the agent and checks ran in.</summary>
    [JsonPropertyName("workspace_path")]
    public string? WorkspacePath { get; init; }

    /// <summary>The folder holding this attempt's logs.</summary>
    [JsonPropertyName("output_dir")]
    public string? OutputDir { get; init; }

    /// <summary>Why the attempt did not succeed.</summary>
    [JsonPropertyName("failure_summary")]
    public string? FailureSummary { get; init; }

    /// <summary>The checks, in order.</summary>
    [JsonPropertyName("check_results")]
    public IReadOnlyList<CheckResultRecord> CheckResults { get; init; } = [];

    /// <summary>Usage of the agent in this attempt.</summary>
    [JsonPropertyName("usage")]
    public AgentUsage? Usage { get; init; }
}

/// <summary>The result of one check in one attempt.</summary>
public sealed class CheckResultRecord
{
    /// <summary><c>&lt;attempt_id&gt;:check:&lt;check_order&gt;</c>; <see langword="null"/> in records written before it was kept.</summary>
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    /// <summary>The run.</summary>
    [JsonPropertyName("run_id")]
    public string? RunId { get; init; }

    /// <summary>The attempt, <c>&lt;run_id&gt;:attempt:&lt;n&gt;</c>.</summary>
    [JsonPropertyName("attempt_id")]
    public string? AttemptId { get; init; }

    /// <summary>The attempt's 1-based index.</summary>
    [JsonPropertyName("attempt_index")]
    public int AttemptIndex { get; init; }

    /// <summary>The check's name.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The command as written in the policy.</summary>
    [JsonPropertyName("command")]
    public required string Command { get; init; }

    /// <summary>1-based order within the attempt.</summary>
    [JsonPropertyName("check_order")]
    public int CheckOrder { get; init; }

    /// <summary><c>retry</c>, <c>fail</c>, <c>escalate</c> or <c>ignore</c>.</summary>
    [JsonPropertyName("on_fail")]
    public required string OnFail { get; init; }

    /// <summary>The exit code; <see langword="null"/> when it timed out or could not start.</summary>
    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; init; }

    /// <summary>Whether the check passed.</summary>
    [JsonPropertyName("passed")]
    public bool Passed { get; init; }

    /// <summary>Whether this failure decided the attempt's outcome (false for ignored failures).</summary>
    [JsonPropertyName("failure_effective")]
    public bool FailureEffective { get; init; }

    /// <summary>Whether the check timed out.</summary>
    [JsonPropertyName("timed_out")]
    public bool TimedOut { get; init; }

    /// <summary>Start time.</summary>
    [JsonPropertyName("started_at")]
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>End time.</summary>
    [JsonPropertyName("finished_at")]
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Duration in milliseconds.</summary>
    [JsonPropertyName("duration_ms")]
    public long? DurationMs { get; init; }

    /// <summary>The file holding the check's stdout.</summary>
    [JsonPropertyName("stdout_path")]
    public string? StdoutPath { get; init; }

    /// <summary>The file holding the check's stderr.</summary>
    [JsonPropertyName("stderr_path")]
    public string? StderrPath { get; init; }

    /// <summary>The original Conduit's <c>output_ref</c>: always <see langword="null"/> (kept for its clients).</summary>
    [JsonPropertyName("output_ref")]
    public string? OutputRef { get; init; }

    /// <summary>The last lines of the output, as fed back to the agent.</summary>
    [JsonPropertyName("output_tail")]
    public string? OutputTail { get; init; }
}

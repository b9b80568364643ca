using System.Text.Json.Serialization;

namespace Conduit.FanOut;

/// <summary>What one trial did and what it cost: the row of a comparison table.</summary>
public sealed class TrialResult
{
    /// <summary>Which trial.</summary>
    [JsonPropertyName("trial")]
    public required FanOutTrial Trial { get; init; }

    /// <summary>How the agent run ended (for policy runs: the last attempt's agent outcome, else one derived from the run status).</summary>
    [JsonPropertyName("outcome")]
    public required AgentOutcome Outcome { get; init; }

    /// <summary>The policy run's status; <see langword="null"/> for chat trials.</summary>
    [JsonPropertyName("run_status")]
    public RunStatus? RunStatus { get; init; }

    /// <summary>
    /// Whether the trial passed: the verifier's verdict when there is a verifier, else the policy run succeeded
    /// (every check passed), else the agent succeeded.
    /// </summary>
    [JsonPropertyName("passed")]
    public required bool Passed { get; init; }

    /// <summary>The quality in [0, 1]: the verifier's reward, else 1 for a pass and 0 for a fail.</summary>
    [JsonPropertyName("reward")]
    public double Reward { get; init; }

    /// <summary>Why the trial ended as it did (the agent's or the run's reason, or the verifier's failure).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>When the trial started (after waiting for a concurrency slot).</summary>
    [JsonPropertyName("started_at")]
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the trial finished, the verifier included.</summary>
    [JsonPropertyName("finished_at")]
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>Wall time of the agent run (or the policy run), without workspace setup and verification.</summary>
    [JsonPropertyName("wall_time")]
    public TimeSpan WallTime { get; init; }

    /// <summary>Time from the start of the agent to its first event; <see langword="null"/> when there was none.</summary>
    [JsonPropertyName("time_to_first_event")]
    public TimeSpan? TimeToFirstEvent { get; init; }

    /// <summary>Tokens and cost, reported or estimated (see <see cref="AgentUsage.IsCostEstimated"/>).</summary>
    [JsonPropertyName("usage")]
    public AgentUsage Usage { get; init; } = AgentUsage.Empty;

    /// <summary>Attempts: 1 for chat trials, the run's attempt count for policy runs.</summary>
    [JsonPropertyName("attempts")]
    public int Attempts { get; init; }

    /// <summary>The checks of the last attempt that passed (policy runs).</summary>
    [JsonPropertyName("checks_passed")]
    public int ChecksPassed { get; init; }

    /// <summary>The checks of the last attempt (policy runs).</summary>
    [JsonPropertyName("checks_total")]
    public int ChecksTotal { get; init; }

    /// <summary>The agent's final text.</summary>
    [JsonPropertyName("final_text")]
    public string? FinalText { get; init; }

    /// <summary>The trial's changes as a unified git diff (new files included); <see langword="null"/> when it ran in a shared directory.</summary>
    [JsonPropertyName("diff")]
    public string? Diff { get; init; }

    /// <summary>The size of <see cref="Diff"/>.</summary>
    [JsonPropertyName("diff_size")]
    public DiffSize? DiffSize { get; init; }

    /// <summary>The verifier's result, when there was a verifier.</summary>
    [JsonPropertyName("verification")]
    public VerificationResult? Verification { get; init; }

    /// <summary>The agent's session id.</summary>
    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    /// <summary>The model the CLI reported (or the requested one).</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>The policy run's id.</summary>
    [JsonPropertyName("run_id")]
    public string? RunId { get; init; }

    /// <summary>The directory the agent worked in (a removed worktree unless <see cref="FanOutRequest.KeepWorkspaces"/>).</summary>
    [JsonPropertyName("workspace_path")]
    public string? WorkspacePath { get; init; }
}

/// <summary>The size of a diff, as <c>git diff --numstat</c> counts it.</summary>
public sealed class DiffSize
{
    /// <summary>Files changed, added or removed.</summary>
    [JsonPropertyName("files")]
    public int Files { get; init; }

    /// <summary>Lines added.</summary>
    [JsonPropertyName("added")]
    public int LinesAdded { get; init; }

    /// <summary>Lines removed.</summary>
    [JsonPropertyName("removed")]
    public int LinesRemoved { get; init; }

    /// <summary>Lines added plus removed.</summary>
    [JsonPropertyName("lines")]
    public int Lines => LinesAdded + LinesRemoved;

    /// <summary>No change.</summary>
    public static DiffSize None { get; } = new();

    /// <inheritdoc />
    public override string ToString() => $"{Files} files, +{LinesAdded} -{LinesRemoved}";
}

/// <summary>What the verifier said about a trial.</summary>
public sealed class VerificationResult
{
    /// <summary>Whether it exited with 0.</summary>
    [JsonPropertyName("passed")]
    public required bool Passed { get; init; }

    /// <summary>Its exit code; <see langword="null"/> when it timed out or was cancelled.</summary>
    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; init; }

    /// <summary>The reward in [0, 1]: the one it wrote to <c>CONDUIT_REWARD_FILE</c>, else 1 for a pass and 0 for a fail.</summary>
    [JsonPropertyName("reward")]
    public required double Reward { get; init; }

    /// <summary>How long it took.</summary>
    [JsonPropertyName("duration")]
    public TimeSpan Duration { get; init; }

    /// <summary>The last lines of its stdout and stderr.</summary>
    [JsonPropertyName("output_tail")]
    public string? OutputTail { get; init; }
}

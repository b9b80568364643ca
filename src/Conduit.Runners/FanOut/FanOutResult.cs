using System.Text.Json.Serialization;

namespace Conduit.FanOut;

/// <summary>The outcome of a fan-out: every trial, a summary per runner, and each task's consensus.</summary>
public sealed class FanOutResult
{
    /// <summary>Per task: its trials and its winner.</summary>
    [JsonPropertyName("tasks")]
    public required IReadOnlyList<FanOutTaskResult> Tasks { get; init; }

    /// <summary>Per runner, over all tasks and repetitions, in the order the runners were given.</summary>
    [JsonPropertyName("runners")]
    public required IReadOnlyList<RunnerSummary> Runners { get; init; }

    /// <summary>Every trial, in trial id order.</summary>
    [JsonPropertyName("trials")]
    public required IReadOnlyList<TrialResult> Trials { get; init; }

    /// <summary>When the fan-out started.</summary>
    [JsonPropertyName("started_at")]
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the last trial (and the consensus) finished.</summary>
    [JsonPropertyName("finished_at")]
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>The concurrency limit that applied.</summary>
    [JsonPropertyName("max_concurrency")]
    public int MaxConcurrency { get; init; }

    /// <summary>The first task's consensus: the answer to a single-task fan-out.</summary>
    [JsonIgnore]
    public ConsensusDecision? Consensus => Tasks.Count > 0 ? Tasks[0].Consensus : null;
}

/// <summary>One task's trials and its consensus.</summary>
public sealed class FanOutTaskResult
{
    /// <summary>The task.</summary>
    [JsonPropertyName("task")]
    public required FanOutTask Task { get; init; }

    /// <summary>Its trials, in trial id order.</summary>
    [JsonPropertyName("trials")]
    public required IReadOnlyList<TrialResult> Trials { get; init; }

    /// <summary>The winner and why; <see langword="null"/> when no strategy was given.</summary>
    [JsonPropertyName("consensus")]
    public ConsensusDecision? Consensus { get; init; }
}

/// <summary>One runner's numbers over all its trials: the row of the matrix summary.</summary>
public sealed class RunnerSummary
{
    /// <summary>The runner's <see cref="FanOutRunner.DisplayName"/>.</summary>
    [JsonPropertyName("runner")]
    public required string RunnerName { get; init; }

    /// <summary>The provider.</summary>
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    /// <summary>The requested model.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Trials run.</summary>
    [JsonPropertyName("trials")]
    public int Trials { get; init; }

    /// <summary>Trials passed.</summary>
    [JsonPropertyName("passed")]
    public int Passed { get; init; }

    /// <summary>Passed divided by trials.</summary>
    [JsonPropertyName("pass_rate")]
    public double PassRate { get; init; }

    /// <summary>The mean reward.</summary>
    [JsonPropertyName("mean_reward")]
    public double MeanReward { get; init; }

    /// <summary>The median wall time.</summary>
    [JsonPropertyName("median_wall_time")]
    public TimeSpan MedianWallTime { get; init; }

    /// <summary>The median time to first event, over trials that had one.</summary>
    [JsonPropertyName("median_time_to_first_event")]
    public TimeSpan? MedianTimeToFirstEvent { get; init; }

    /// <summary>The median cost in US dollars, over trials with a cost.</summary>
    [JsonPropertyName("median_cost_usd")]
    public decimal? MedianCostUsd { get; init; }

    /// <summary>The total cost in US dollars, over trials with a cost.</summary>
    [JsonPropertyName("total_cost_usd")]
    public decimal? TotalCostUsd { get; init; }

    /// <summary>The median of input plus output tokens.</summary>
    [JsonPropertyName("median_tokens")]
    public long MedianTokens { get; init; }

    /// <summary>The median diff size in lines, over trials with a diff.</summary>
    [JsonPropertyName("median_diff_lines")]
    public int? MedianDiffLines { get; init; }
}

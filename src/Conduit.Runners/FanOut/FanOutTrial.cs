using System.Text.Json.Serialization;

namespace Conduit.FanOut;

/// <summary>Which trial: one task on one runner, one repetition.</summary>
public sealed class FanOutTrial
{
    /// <summary>The trial's id within the fan-out: <c>t1</c>, <c>t2</c>, ... in start order.</summary>
    [JsonPropertyName("trial_id")]
    public required string TrialId { get; init; }

    /// <summary>The 0-based index of the task in <see cref="FanOutRequest.Tasks"/>.</summary>
    [JsonPropertyName("task_index")]
    public required int TaskIndex { get; init; }

    /// <summary>The task's <see cref="FanOutTask.DisplayName"/>.</summary>
    [JsonPropertyName("task")]
    public required string TaskName { get; init; }

    /// <summary>The runner's <see cref="FanOutRunner.DisplayName"/>.</summary>
    [JsonPropertyName("runner")]
    public required string RunnerName { get; init; }

    /// <summary>The provider.</summary>
    [JsonPropertyName("provider")]
    public required string Provider { get; init; }

    /// <summary>The requested model, when one was.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>The 1-based repetition.</summary>
    [JsonPropertyName("repetition")]
    public required int Repetition { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{TrialId} ({RunnerName} #{Repetition}, {TaskName})";
}

using System.Text.Json.Serialization;

namespace Conduit.FanOut;

/// <summary>Chooses a task's winner among its trials. Built in: <see cref="ConsensusStrategies"/>.</summary>
public interface IConsensusStrategy
{
    /// <summary>The strategy's name as the CLI spells it (<c>majority</c>, <c>first-pass</c>, <c>score</c>, <c>judge</c>).</summary>
    string Name { get; }

    /// <summary>Chooses the winner of <paramref name="context"/>'s trials and says why.</summary>
    ValueTask<ConsensusDecision> DecideAsync(ConsensusContext context, CancellationToken cancellationToken = default);
}

/// <summary>What a consensus strategy decides over: one task and its finished trials.</summary>
public sealed class ConsensusContext
{
    /// <summary>The task.</summary>
    public required FanOutTask Task { get; init; }

    /// <summary>The task's trials, in trial id order.</summary>
    public required IReadOnlyList<TrialResult> Trials { get; init; }

    /// <summary>The fan-out's working directory (a judge runs there, read-only).</summary>
    public string? WorkingDirectory { get; init; }
}

/// <summary>A task's winner and why.</summary>
public sealed class ConsensusDecision
{
    /// <summary>The strategy's <see cref="IConsensusStrategy.Name"/>.</summary>
    [JsonPropertyName("strategy")]
    public required string Strategy { get; init; }

    /// <summary>The winning trial's id; <see langword="null"/> when there is no winner.</summary>
    [JsonPropertyName("winner_trial_id")]
    public string? WinnerTrialId { get; init; }

    /// <summary>The winning trial's runner.</summary>
    [JsonPropertyName("winner_runner")]
    public string? WinnerRunner { get; init; }

    /// <summary>Why this trial won (or why none did), in one or two sentences.</summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }

    /// <summary>Per trial id: the score (best score), the group size (majority), or nothing.</summary>
    [JsonPropertyName("scores")]
    public IReadOnlyDictionary<string, double>? Scores { get; init; }

    /// <summary>Whether there is a winner.</summary>
    [JsonIgnore]
    public bool HasWinner => WinnerTrialId is not null;

    /// <summary>A decision for <paramref name="winner"/>.</summary>
    public static ConsensusDecision For(string strategy, TrialResult winner, string reason, IReadOnlyDictionary<string, double>? scores = null)
    {
        ArgumentNullException.ThrowIfNull(winner);
        return new ConsensusDecision
        {
            Strategy = strategy,
            WinnerTrialId = winner.Trial.TrialId,
            WinnerRunner = winner.Trial.RunnerName,
            Reason = reason,
            Scores = scores,
        };
    }

    /// <summary>A decision without a winner.</summary>
    public static ConsensusDecision None(string strategy, string reason, IReadOnlyDictionary<string, double>? scores = null) =>
        new() { Strategy = strategy, Reason = reason, Scores = scores };
}

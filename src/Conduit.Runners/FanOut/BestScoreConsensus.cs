using System.Globalization;

namespace Conduit.FanOut;

/// <summary>
/// Scores each trial and picks the highest: <c>quality x QualityWeight + cheapness x CostWeight + speed x SpeedWeight</c>,
/// divided by the sum of the weights. Quality is the trial's reward; cheapness and speed are normalized across the
/// trials (the cheapest/fastest gets 1, the dearest/slowest 0; all equal gives 1). A trial without a cost counts as
/// the dearest. Cancelled trials do not compete.
/// </summary>
public sealed class BestScoreConsensus : IConsensusStrategy
{
    /// <summary>The weight of quality (the reward).</summary>
    /// <value>Default 2.</value>
    public double QualityWeight { get; init; } = 2;

    /// <summary>The weight of a low cost.</summary>
    /// <value>Default 1.</value>
    public double CostWeight { get; init; } = 1;

    /// <summary>The weight of a short wall time.</summary>
    /// <value>Default 1.</value>
    public double SpeedWeight { get; init; } = 1;

    /// <inheritdoc />
    public string Name => "score";

    /// <inheritdoc />
    public ValueTask<ConsensusDecision> DecideAsync(ConsensusContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (QualityWeight < 0 || CostWeight < 0 || SpeedWeight < 0 || QualityWeight + CostWeight + SpeedWeight <= 0)
        {
            throw new InvalidOperationException("The weights of the best-score consensus must be non-negative and not all zero.");
        }

        var trials = context.Trials.Where(t => t.Outcome != AgentOutcome.Cancelled).ToArray();
        if (trials.Length == 0)
        {
            return ValueTask.FromResult(ConsensusDecision.None(Name, "No trial ran to the end."));
        }

        var costs = trials.Select(t => t.Usage.CostUsd).ToArray();
        var known = costs.Where(c => c is not null).Select(c => (double)c!.Value).ToArray();
        var minCost = known.Length > 0 ? known.Min() : 0;
        var maxCost = known.Length > 0 ? known.Max() : 0;
        var minTime = trials.Min(t => t.WallTime.TotalMilliseconds);
        var maxTime = trials.Max(t => t.WallTime.TotalMilliseconds);
        var weights = QualityWeight + CostWeight + SpeedWeight;

        var scored = trials.Select(t =>
        {
            var cheapness = t.Usage.CostUsd is { } cost ? Inverse((double)cost, minCost, maxCost) : 0;
            var speed = Inverse(t.WallTime.TotalMilliseconds, minTime, maxTime);
            var score = ((t.Reward * QualityWeight) + (cheapness * CostWeight) + (speed * SpeedWeight)) / weights;
            return (Trial: t, Score: Math.Round(score, 4), Cheapness: cheapness, Speed: speed);
        }).OrderByDescending(s => s.Score).ThenBy(s => s.Trial.FinishedAt).ToArray();

        var best = scored[0];
        var scores = scored.ToDictionary(s => s.Trial.Trial.TrialId, s => s.Score, StringComparer.Ordinal);
        var reason = string.Create(
            CultureInfo.InvariantCulture,
            $"{best.Trial.Trial.TrialId} ({best.Trial.Trial.RunnerName}) has the best score {best.Score:0.000} (quality {best.Trial.Reward:0.##}, cost {best.Cheapness:0.##}, speed {best.Speed:0.##}; weights {QualityWeight:0.##}/{CostWeight:0.##}/{SpeedWeight:0.##})");
        if (scored.Length > 1)
        {
            reason += string.Create(CultureInfo.InvariantCulture, $"; next {scored[1].Trial.Trial.TrialId} with {scored[1].Score:0.000}");
        }

        return ValueTask.FromResult(ConsensusDecision.For(Name, best.Trial, reason + ".", scores));
    }

    // 1 for the minimum, 0 for the maximum; 1 when all are equal.
    private static double Inverse(double value, double min, double max) => max - min <= double.Epsilon ? 1 : (max - value) / (max - min);
}

using System.Globalization;

namespace Conduit.FanOut;

/// <summary>The built-in consensus strategies, and the parser for their command-line names.</summary>
public static class ConsensusStrategies
{
    /// <summary>The names <see cref="Parse"/> accepts.</summary>
    public const string Names = "majority, majority:answers, majority:checks, first-pass, score[:quality,cost,speed], judge:<runner>";

    /// <summary>Majority vote over check outcomes or normalized answers.</summary>
    public static MajorityConsensus Majority(MajorityBasis basis = MajorityBasis.Auto) => new() { Basis = basis };

    /// <summary>The first trial to pass wins.</summary>
    public static FirstToPassConsensus FirstToPass() => new();

    /// <summary>The best weighted score of quality, cost and speed wins.</summary>
    public static BestScoreConsensus BestScore(double quality = 2, double cost = 1, double speed = 1) =>
        new() { QualityWeight = quality, CostWeight = cost, SpeedWeight = speed };

    /// <summary>A runner judges.</summary>
    public static JudgeConsensus Judge(IAgentRunnerFactory runners, FanOutRunner judge) => new(runners, judge);

    /// <summary>
    /// Parses <c>majority</c>, <c>majority:answers</c>, <c>majority:checks</c>, <c>first-pass</c>, <c>score</c>,
    /// <c>score:2,1,1</c> (quality, cost, speed weights) or <c>judge:&lt;runner&gt;</c> (e.g. <c>judge:claude</c>,
    /// <c>judge:codex/gpt-5</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown or malformed; the message lists the valid ones.</exception>
    /// <exception cref="UnknownProviderException">The judge's provider is unknown.</exception>
    public static IConsensusStrategy Parse(string text, IAgentRunnerFactory runners)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(runners);
        var trimmed = text.Trim();
        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        var name = (colon < 0 ? trimmed : trimmed[..colon]).ToLowerInvariant();
        var argument = colon < 0 ? null : trimmed[(colon + 1)..].Trim();
        switch (name)
        {
            case "majority" when argument is null:
                return Majority();
            case "majority" when argument.Equals("answers", StringComparison.OrdinalIgnoreCase):
                return Majority(MajorityBasis.Answers);
            case "majority" when argument.Equals("checks", StringComparison.OrdinalIgnoreCase):
                return Majority(MajorityBasis.Checks);
            case "first-pass" or "first-to-pass" or "first" when argument is null:
                return FirstToPass();
            case "score" or "best-score" when argument is null:
                return BestScore();
            case "score" or "best-score":
                var weights = argument.Split(',', StringSplitOptions.TrimEntries);
                if (weights.Length == 3
                    && double.TryParse(weights[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var quality)
                    && double.TryParse(weights[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var cost)
                    && double.TryParse(weights[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var speed)
                    && quality >= 0 && cost >= 0 && speed >= 0 && quality + cost + speed > 0)
                {
                    return BestScore(quality, cost, speed);
                }

                throw new ArgumentException($"Consensus \"{trimmed}\": score weights are three non-negative numbers quality,cost,speed, e.g. score:2,1,1.", nameof(text));
            case "judge" when !string.IsNullOrEmpty(argument):
                return Judge(runners, FanOutRunner.Parse(argument));
            default:
                throw new ArgumentException($"Unknown consensus \"{trimmed}\". Valid: {Names}.", nameof(text));
        }
    }
}

using System.Globalization;
using System.Text;

namespace Conduit.FanOut;

/// <summary>What a majority vote counts.</summary>
public enum MajorityBasis
{
    /// <summary>Checks when the trials have a verdict beyond the agent's own (a verifier or policy checks), else answers.</summary>
    Auto = 0,

    /// <summary>Pass or fail (the verifier, the policy's checks, or the agent's outcome).</summary>
    Checks,

    /// <summary>The final answers, normalized: trimmed, whitespace collapsed, case-folded, trailing period dropped.</summary>
    Answers,
}

/// <summary>
/// Majority vote. Over answers: the largest group of equal normalized answers wins (a tie goes to the group that
/// passed more often, then to the one that finished first) and the winner is its first finished trial. Over checks:
/// when more trials passed than failed, the fastest passing trial wins; otherwise there is no winner.
/// </summary>
public sealed class MajorityConsensus : IConsensusStrategy
{
    /// <summary>What is counted.</summary>
    /// <value>Default <see cref="MajorityBasis.Auto"/>.</value>
    public MajorityBasis Basis { get; init; }

    /// <inheritdoc />
    public string Name => "majority";

    /// <inheritdoc />
    public ValueTask<ConsensusDecision> DecideAsync(ConsensusContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var trials = context.Trials.Where(t => t.Outcome != AgentOutcome.Cancelled).ToArray();
        if (trials.Length == 0)
        {
            return ValueTask.FromResult(ConsensusDecision.None(Name, "No trial ran to the end."));
        }

        var basis = Basis;
        if (basis == MajorityBasis.Auto)
        {
            basis = trials.Any(t => t.Verification is not null || t.ChecksTotal > 0) ? MajorityBasis.Checks : MajorityBasis.Answers;
        }

        return ValueTask.FromResult(basis == MajorityBasis.Checks ? ByChecks(trials) : ByAnswers(trials));
    }

    /// <summary>The normalized form answers are compared in: trimmed, whitespace collapsed, case-folded, without a trailing period.</summary>
    public static string NormalizeAnswer(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        while (builder.Length > 0 && builder[^1] is '.' or '!')
        {
            builder.Length--;
        }

        return builder.ToString();
    }

    private ConsensusDecision ByChecks(TrialResult[] trials)
    {
        var passed = trials.Where(t => t.Passed).OrderBy(t => t.WallTime).ToArray();
        var scores = trials.ToDictionary(t => t.Trial.TrialId, t => t.Passed ? 1.0 : 0.0, StringComparer.Ordinal);
        if (passed.Length * 2 > trials.Length)
        {
            var winner = passed[0];
            return ConsensusDecision.For(
                Name,
                winner,
                string.Create(CultureInfo.InvariantCulture, $"{passed.Length} of {trials.Length} trials passed, a majority; {winner.Trial.TrialId} ({winner.Trial.RunnerName}) is the fastest that passed ({winner.WallTime.TotalSeconds:0.0} s)."),
                scores);
        }

        return ConsensusDecision.None(
            Name,
            string.Create(CultureInfo.InvariantCulture, $"Only {passed.Length} of {trials.Length} trials passed, no majority."),
            scores);
    }

    private ConsensusDecision ByAnswers(TrialResult[] trials)
    {
        var answered = trials.Where(t => NormalizeAnswer(t.FinalText).Length > 0).ToArray();
        if (answered.Length == 0)
        {
            return ConsensusDecision.None(Name, "No trial gave an answer.");
        }

        var groups = answered
            .GroupBy(t => NormalizeAnswer(t.FinalText), StringComparer.Ordinal)
            .Select(g => new { Answer = g.Key, Trials = g.OrderBy(t => t.FinishedAt).ToArray() })
            .OrderByDescending(g => g.Trials.Length)
            .ThenByDescending(g => g.Trials.Count(t => t.Passed))
            .ThenBy(g => g.Trials[0].FinishedAt)
            .ToArray();
        var best = groups[0];
        var scores = answered.ToDictionary(
            t => t.Trial.TrialId,
            t => (double)groups.First(g => g.Trials.Contains(t)).Trials.Length,
            StringComparer.Ordinal);
        var winner = best.Trials[0];
        var runners = string.Join(", ", best.Trials.Select(t => t.Trial.RunnerName).Distinct(StringComparer.Ordinal));
        var tie = groups.Length > 1 && groups[1].Trials.Length == best.Trials.Length ? " (a tie, broken by passes, then by who finished first)" : "";
        return ConsensusDecision.For(
            Name,
            winner,
            string.Create(CultureInfo.InvariantCulture, $"{best.Trials.Length} of {answered.Length} answers agree on \"{FanOutTask.Shorten(best.Answer, 60)}\" ({runners}){tie}; {winner.Trial.TrialId} gave it first."),
            scores);
    }
}
